"""The characters a text field may hold (`cooplevier.charset`, issue 18 mechanism 2): one
allow-list, checked at every way in, that every output carries.

A property over the whole Unicode range: any text either is refused where it comes in (a French
line naming the file and line, exit 1), or goes through every output format (terminal table,
JSON, CSV, XLSX, Markdown, HTML, DOCX, ODT, and the YAML `migrate` rewrites) without a failure,
and reads back as written where the format can be read back (YAML, CSV, XLSX).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cooplevier import charset
from cooplevier.content.answers import text_problem
from cooplevier.content.model import Pack
from tests.helpers import invoke

# the edges of every range the list refuses, and characters either side of them
EDGES = [
    0x00, 0x08, 0x09, 0x0A, 0x0B, 0x0D, 0x1B, 0x1F, 0x20, 0x7E, 0x7F, 0x85, 0x9F, 0xA0, 0xAD, 0x061C,
    0x200B, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A, 0x202E, 0x202F, 0x2060, 0x2065, 0x2066,
    0x2069, 0x206A, 0x206F, 0x2070, 0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xF8FF, 0xFDCF,
    0xFDD0, 0xFDEF, 0xFDF0, 0xFEFE, 0xFEFF, 0xFF00, 0xFFF8, 0xFFF9, 0xFFFB, 0xFFFC, 0xFFFD, 0xFFFE,
    0xFFFF, 0x10000, 0x1F600, 0x1FFFE, 0x1FFFF, 0x20000, 0xE0000, 0xE0001, 0xE007F, 0xE0080, 0xEFFFD,
    0xF0000, 0x10FFFD, 0x10FFFE, 0x10FFFF,
]  # fmt: skip
REFUSED = {
    0x00, 0x08, 0x0B, 0x0D, 0x1B, 0x1F, 0x7F, 0x85, 0x9F, 0x202A, 0x202E, 0x2066, 0x2069, 0x206A,
    0x206F, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xFDD0, 0xFDEF, 0xFEFF, 0xFFF9, 0xFFFB, 0xFFFE, 0xFFFF,
    0x1FFFE, 0x1FFFF, 0xE0000, 0xE0001, 0xE007F, 0x10FFFE, 0x10FFFF,
}  # fmt: skip


@pytest.mark.parametrize("code", EDGES, ids=[f"U+{c:04X}" for c in EDGES])
def test_the_list_at_every_edge(code: int) -> None:
    assert charset.allowed(chr(code)) is (code not in REFUSED)
    assert (charset.refused(f"a{chr(code)}b") is None) is (code not in REFUSED)
    assert (text_problem(f"a{chr(code)}b") is None) is (code not in REFUSED)


@given(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None))
def test_what_is_allowed_is_xml_1_0_and_never_reorders(ch: str) -> None:
    """Every allowed character is an XML 1.0 Char, and none is a bidi embedding, override or
    isolate, nor a control other than tab and line feed."""
    code = ord(ch)
    if charset.allowed(ch):
        assert code in (0x9, 0xA) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000
        assert unicodedata.category(ch) not in ("Cc", "Cs") or ch in "\t\n"
        assert unicodedata.bidirectional(ch) not in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI")


def _yaml_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar: written as is where YAML allows, escaped otherwise
    (controls, surrogates, U+FFFE…), the way a hand-made or generated file could hold it."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in (0x2028, 0x2029, 0xFEFF):
            out.append(f"\\u{code:04x}")
        elif code & 0xFFFE == 0xFFFE:
            out.append(f"\\U{code:08x}" if code > 0xFFFF else f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


edgy = st.sampled_from([chr(c) for c in EDGES])
texts = st.text(st.one_of(edgy, st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None)), max_size=8)
OUTPUTS = [("score", "table", None), ("score", "json", None), ("score", "csv", None), ("score", "xlsx", "s.xlsx")]
OUTPUTS += [("report", "md", None), ("report", "html", None), ("report", "docx", "r.docx"), ("report", "odt", "r.odt")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
@example(text="\ufffe")
@example(text="\u202eevil")
@example(text="\U0001f600 \u200d \u05d0\u200f")
def test_every_text_is_refused_where_it_comes_in_or_goes_through_every_output(
    tmp_path_factory: pytest.TempPathFactory, pack: Pack, text: str
) -> None:
    folder = tmp_path_factory.mktemp("charset")
    q = pack.questions[0].id
    path = folder / "r.yaml"
    path.write_text(
        "cooplevier: answers/1\n"
        f"territory: {_yaml_quoted('Pays ' + text)}\n"
        f"respondent:\n  name: {_yaml_quoted('N' + text)}\n  role: elu\n"
        f"answers:\n  {q}:\n    level: 3\n    comment: {_yaml_quoted('C' + text)}\n",
        encoding="utf-8",
    )
    checked = invoke("validate", str(path))
    assert "erreur interne" not in checked.stderr and "Traceback" not in checked.stderr
    if charset.refused(text) is not None:
        assert checked.exit_code == 1 and f"{path}:2:" in checked.stderr  # at the territory's line
        assert "interdit" in checked.stderr or "échappement" in checked.stderr  # a surrogate: no character
        return
    assert checked.exit_code == 0, checked.stderr
    for command, fmt, out in OUTPUTS:
        args = [command, str(path), "--format", fmt] + (["--output", str(folder / out)] if out else [])
        result = invoke(*args)
        assert result.exit_code == 0 and "erreur interne" not in result.stderr, (command, fmt, result.stderr)
        if fmt == "table":
            assert all(charset.allowed(ch) or ch in "\r\x1b" for ch in result.stdout)
        if fmt == "json":
            assert json.loads(result.stdout)[0]["territory"] == "Pays " + text
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"), newline=""), delimiter=";"))
            assert rows[0]["territoire"] in ("Pays " + text, "'Pays " + text)
        if fmt == "xlsx":
            from openpyxl import load_workbook

            values = {c.value for row in load_workbook(folder / out).active.iter_rows() for c in row}
            assert "Pays " + text in values or "'Pays " + text in values
    migrated = folder / "m.yaml"
    assert invoke("migrate", str(path), "--output", str(migrated)).exit_code == 0
    again = invoke("score", str(migrated), "--format", "json")
    assert json.loads(again.stdout)[0]["territory"] == "Pays " + text


@pytest.mark.parametrize("bad", ["\ufffe", "\u202e", "\u2066", "\x85", "\r", "\U000e0041"])
def test_every_way_in_refuses_in_french(tmp_path: Path, pack: Pack, bad: str) -> None:
    """Options and the prompt's territory (the form's fields are in test_atelier_web)."""
    result = invoke("assess", str(tmp_path / "r.yaml"), "--territory", f"Pays{bad}", input="q\n")
    assert result.exit_code == 2 and "interdit" in result.stderr and "erreur interne" not in result.stderr
    result = invoke("assess", str(tmp_path / "r.yaml"), "--name", f"N{bad}", "--territory", "T", input="q\n")
    assert result.exit_code == 2 and "interdit" in result.stderr
    result = invoke("atelier", str(tmp_path / "a"), "--territory", f"Pays{bad}")
    assert result.exit_code == 2 and "interdit" in result.stderr and not (tmp_path / "a").exists()


def test_a_phone_cannot_join_with_what_no_output_carries(tmp_path: Path, pack: Pack) -> None:
    """One phone joining with U+FFFE used to make the room's scores.xlsx fail for everyone."""
    from tests.test_atelier_support import Room, csrf_of

    r = Room(tmp_path / "atelier", pack)
    try:
        phone = r.client()
        for bad in ("\ufffe", "\u202e", "\U000e0041"):
            page = phone.get(r.base)
            answer = phone.post(f"{r.base}/rejoindre", data={"csrf": csrf_of(page.text), "role": "elu", "name": bad})
            assert answer.status_code == 422
        assert r.join(phone, "elu", "Anne").status_code == 303
        q = pack.questions[0].id
        page = phone.get(f"{r.base}/question/{q}")
        answer = phone.post(
            f"{r.base}/question/{q}", data={"csrf": csrf_of(page.text), q: "3", f"comment-{q}": "a\u2066b"}
        )
        assert answer.status_code == 422
        assert r.answer(phone, q, 3, comment="ok \u200f\U0001f600").status_code == 303
        fac = r.client()
        assert fac.get(f"{r.fac}/telecharger/scores.xlsx").status_code == 200
    finally:
        r.close()


def test_a_workshop_named_after_its_folder_drops_what_no_output_carries(tmp_path: Path, pack: Pack) -> None:
    from tests.test_atelier_support import Room

    r = Room(tmp_path / "Pays\u202e de\ufffe Test", pack, territory=None)
    try:
        assert r.w.state.settings.territory == "Pays de Test"
    finally:
        r.close()


def test_a_content_pack_holds_the_same_characters(tmp_path: Path) -> None:
    """A pack given with --content reaches every output as well: its texts are checked too."""
    import shutil

    pack_dir = tmp_path / "pack"
    shutil.copytree(Path(__file__).parents[1] / "data", pack_dir)
    levers = pack_dir / "levers.yaml"
    text = levers.read_text(encoding="utf-8")
    levers.write_text(
        text.replace('title: "Nouvelle impulsion politique"', 'title: "Nouvelle \u202eimpulsion"'), "utf-8"
    )
    result = invoke("validate", "--content", str(pack_dir))
    line = text[: text.index('title: "Nouvelle impulsion politique"')].count("\n") + 1
    assert result.exit_code == 1 and f"levers.yaml:{line}:" in result.stderr and "U+202E" in result.stderr


def test_a_grid_cell_is_refused_naming_its_sheet_and_cell(tmp_path: Path) -> None:
    grid = (Path(__file__).parent / "data" / "fuzz" / "grid.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "grille.csv"
    path.write_text(grid.replace("Pays de Test", "Pays\ufffe de Test", 1), encoding="utf-8-sig")
    result = invoke("score", str(path), "--format", "csv")
    assert result.exit_code == 1 and f"{path}:grille!D" in result.stderr and "U+FFFE" in result.stderr
    assert ";Pays de Test;" in result.stdout  # the other column goes on
