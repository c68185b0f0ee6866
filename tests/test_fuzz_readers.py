"""Fuzzers over every reader of what users bring (issue 18, mechanism 3): XLSX (openpyxl), ODS,
CSV, YAML and the workshop's HTTP forms.

Whatever a damaged file holds, a reader either reads it or says why in French, naming the file
(and the sheet where known): never a library's exception, never English, and the rest of a batch
goes on. The seed corpus is in `tests/data/fuzz/` (good grids, Excel's copy with the old sheet
hidden, damaged workbooks, an answer file, a YAML file that ends inside a bracket); Hypothesis
mutates it. Bounded to a few seconds each (well under a minute in all).
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooplevier.content.answers import load_answers
from cooplevier.content.grid import read_grid
from cooplevier.content.model import Pack
from cooplevier.errors import CooplevierError
from tests.helpers import invoke

CORPUS = Path(__file__).parent / "data" / "fuzz"
ENGLISH = re.compile(r"\b(found|expected|while|scanning|parsing|did not|could not|Traceback|Error|invalid)\b")
FUZZ = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ODD_VALUES = [b"", b"-1", b"0", b"A0", b"1A", b"ZZZZ99999999", b"x", b"1.5", b"1e308", b"true", b"&amp;", b"\xc3("]


def _french(exc: CooplevierError, file: Path) -> None:
    text = exc.located()
    assert str(file) in text and not ENGLISH.search(text), text


def _read(path: Path, pack: Pack) -> None:
    try:
        read_grid(path, pack)
    except CooplevierError as exc:
        _french(exc, path)


@st.composite
def damaged_zip(draw: st.DrawFn, seed: str) -> bytes:
    """A workbook of the corpus with one part damaged: cut, bytes overwritten, an attribute given
    an odd value, an element removed; or the whole file cut."""
    data = (CORPUS / seed).read_bytes()
    if draw(st.integers(0, 9)) == 0:
        return data[: draw(st.integers(0, len(data)))]
    zin = zipfile.ZipFile(io.BytesIO(data))
    infos = zin.infolist()
    target = draw(st.sampled_from([i.filename for i in infos if i.filename.endswith(".xml")]))
    part = zin.read(target)
    how = draw(st.sampled_from(["cut", "bytes", "attribute", "element"]))
    if how == "cut":
        part = part[: draw(st.integers(0, len(part)))]
    elif how == "bytes":
        at = draw(st.integers(0, max(0, len(part) - 1)))
        part = part[:at] + draw(st.binary(min_size=1, max_size=8)) + part[at + 8 :]
    elif how == "attribute":
        found = list(re.finditer(rb'(\w+)="([^"]*)"', part))
        if found:
            m = draw(st.sampled_from(found))
            value = draw(st.sampled_from(ODD_VALUES))
            part = part[: m.start(2)] + value + part[m.end(2) :]
    else:
        found = list(re.finditer(rb"<(\w+:)?\w+[^>]*/>", part))
        if found:
            m = draw(st.sampled_from(found))
            part = part[: m.start()] + part[m.end() :]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in infos:
            z.writestr(copy.copy(info), part if info.filename == target else zin.read(info))
    return out.getvalue()


@FUZZ
@given(data=st.one_of(damaged_zip("grid.xlsx"), damaged_zip("hidden.xlsx")))
def test_xlsx_reader(tmp_path_factory: pytest.TempPathFactory, pack: Pack, data: bytes) -> None:
    path = tmp_path_factory.mktemp("x") / "grille.xlsx"
    path.write_bytes(data)
    _read(path, pack)


@FUZZ
@given(data=st.one_of(damaged_zip("grid.ods"), damaged_zip("hidden.ods")))
def test_ods_reader(tmp_path_factory: pytest.TempPathFactory, pack: Pack, data: bytes) -> None:
    path = tmp_path_factory.mktemp("o") / "grille.ods"
    path.write_bytes(data)
    _read(path, pack)


@FUZZ
@given(
    at=st.integers(0, 4000),
    junk=st.binary(max_size=12) | st.sampled_from([b'"', b";;;", b"\r", b"\x00", b"\xff\xfe", b"\n\n", b"=1+1"]),
)
def test_csv_reader(tmp_path_factory: pytest.TempPathFactory, pack: Pack, at: int, junk: bytes) -> None:
    data = (CORPUS / "grid.csv").read_bytes()
    path = tmp_path_factory.mktemp("c") / "grille.csv"
    path.write_bytes(data[:at] + junk + data[at + len(junk) :])
    _read(path, pack)


YAML_BITS = [*"[]{}:,-&*!|>'\"%@`#?\t\n ", "\n  ", ": ", "- ", "---\n", "...\n", "\\", "\\x", "\ufeff"]


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 3), st.sampled_from(YAML_BITS) | st.text(max_size=3)), max_size=4
    ),
    cut=st.none() | st.integers(0, 400),
)
def test_yaml_reader(
    tmp_path_factory: pytest.TempPathFactory, pack: Pack, edits: list[tuple[int, int, str]], cut: int | None
) -> None:
    text = (CORPUS / "answers.yaml").read_text(encoding="utf-8")
    for at, drop, bit in edits:
        text = text[:at] + bit + text[at + drop :]
    if cut is not None:
        text = text[:cut]
    path = tmp_path_factory.mktemp("y") / "r.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_answers(path, pack)
    except CooplevierError as exc:
        _french(exc, path)


@pytest.mark.parametrize("name", ["truncated.xlsx", "bad-sheet-id.xlsx", "bad-cell-ref.xlsx", "cut-styles.xlsx"])
def test_a_damaged_workbook_in_a_batch_leaves_the_good_rows(tmp_path: Path, name: str) -> None:
    """`score bad.xlsx good.yaml` writes the good file's row, says the bad one in French, exit 1."""
    result = invoke("score", str(CORPUS / name), str(CORPUS / "answers.yaml"), "--format", "csv")
    assert result.exit_code == 1 and "erreur interne" not in result.stderr
    assert str(CORPUS / name) in result.stderr and not ENGLISH.search(result.stderr)
    assert "answers.yaml;Pays de Test;Anne" in result.stdout


def test_a_yaml_file_ending_inside_a_bracket_is_said_in_french_at_its_line() -> None:
    result = invoke("validate", str(CORPUS / "end-of-file.yaml"))
    assert result.exit_code == 1 and f"{CORPUS / 'end-of-file.yaml'}:2:12: crochet" in result.stderr


def test_a_file_the_system_says_unreadable_is_said_in_french_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typer's own check said « Path … is not readable » in English with exit 2 and stopped the
    batch; the reader now says it, in French, for that file alone."""
    import os

    locked = tmp_path / "verrouille.yaml"
    locked.write_text((CORPUS / "answers.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: str(p) != str(locked) and real_access(p, mode, **kw))
    real_open = open

    def guarded(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", guarded)
    result = invoke("score", str(locked), str(CORPUS / "answers.yaml"), "--format", "csv")
    assert result.exit_code == 1 and "not readable" not in result.stderr and str(locked) in result.stderr
    assert "answers.yaml;Pays de Test;Anne" in result.stdout


@FUZZ
@given(
    body=st.binary(max_size=200) | st.text(max_size=80).map(str.encode),
    kind=st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", ""]),
    where=st.sampled_from(["rejoindre", "question", "reprendre"]),
)
def test_http_forms(tmp_path_factory: pytest.TempPathFactory, pack: Pack, body: bytes, kind: str, where: str) -> None:
    from tests.test_atelier_support import Room

    r = Room(tmp_path_factory.mktemp("a") / "atelier", pack)
    try:
        phone = r.client()
        r.join(phone)
        url = {
            "rejoindre": f"{r.base}/rejoindre",
            "question": f"{r.base}/question/{pack.questions[0].id}",
            "reprendre": f"{r.base}/reprendre/{phone.cookies.get('cooplevier_participant')}",
        }[where]
        answer = phone.post(url, content=body, headers={"content-type": kind} if kind else {})
        assert answer.status_code < 500 and "Traceback" not in answer.text
    finally:
        r.close()
