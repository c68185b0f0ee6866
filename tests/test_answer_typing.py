"""Trust, typing: the common typing mistakes of an answer file get French at the line to fix,
with what to type instead; text stays text, exactly as typed; one stray byte never garbles a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.answers import load_answers
from cooplevier.content.model import Pack
from cooplevier.typography import typeset

HEAD = "cooplevier: answers/1\nterritory: X\nanswers:\n"


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        pytest.param(
            "  L1.Q2: 3\n   L1.Q5: 4\n", 5, "ligne mal alignée : commencez-la par 2 espaces", id="indented-more"
        ),
        pytest.param(
            "  L1.Q2: 3\n L1.Q5: 4\n", 5, "ligne mal alignée : commencez-la par 2 espaces", id="indented-less"
        ),
        pytest.param("  L1.Q2: 3\nL1.Q5: 4\n", 5, "n'est pas sous « answers: »", id="not-indented"),
        pytest.param("  L1.Q2:3\n  L1.Q5: 4\n", 4, "écrivez « L1.Q2: 3 »", id="no-space-after-colon"),
        pytest.param("  L1.Q2 3\n  L1.Q5: 4\n", 4, "il manque « : » après L1.Q2", id="no-colon"),
        pytest.param(
            '  L1.Q2: {level: 3, comment: "@maire"}\n  L1.Q5: {level: 4, comment: @bureau}\n',
            5,
            "commencer par « @ »",
            id="at-sign",
        ),
        pytest.param("  L1.Q2: 3\n  L1.Q5: {level: 4, comment: `x`}\n", 5, "commencer par « ` »", id="backtick"),
        pytest.param('  L1.Q2: {level: 4, comment: "a"\n  L1.Q5: 2\n', 4, "non fermé", id="unclosed-brace"),
        pytest.param("  - L1.Q2: 3\n", 4, "sans tiret", id="list"),
        pytest.param("\tL1.Q2: 3\n", 4, "tabulation", id="tab"),
    ],
)
def test_common_mistakes_point_at_the_line_to_fix(
    cli: Callable[..., Any], tmp_path: Path, body: str, line: int, words: str
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:{line}:" in result.stderr and typeset(words) in result.stderr, result.stderr
    assert "expected" not in result.stderr and "found" not in result.stderr  # no parser English


def test_a_colon_in_a_territory_says_to_quote_it(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("cooplevier: answers/1\nterritory: Pays: de Figeac\nanswers: {}\n", encoding="utf-8")
    result = cli("validate", str(path))
    assert f"{path}:2:" in result.stderr and 'territory: "Pays: de Figeac"' in result.stderr


@pytest.mark.parametrize(
    "written", ["01053", "12:30", "007", "Yes", "no", "on", "1e3", "0x1F", ".inf", "2026-11-25", "~x", "3.0", "+33"]
)
@pytest.mark.parametrize("field", ["territory", "name", "comment"])
def test_text_stays_exactly_as_typed(pack: Pack, tmp_path: Path, written: str, field: str) -> None:
    first = pack.questions[0].id
    texts = {"territory": "T", "name": "N", "comment": "C"}
    texts[field] = written
    path = tmp_path / "r.yaml"
    path.write_text(
        f"cooplevier: answers/1\nterritory: {texts['territory']}\nrespondent: {{name: {texts['name']}}}\n"
        f"answers:\n  {first}: {{level: 3, comment: {texts['comment']}}}\n",
        encoding="utf-8",
    )
    af = load_answers(path, pack)
    got = {"territory": af.territory, "name": af.name, "comment": af.answers[first].comment}
    assert got[field] == written


def test_numbers_and_dates_are_still_converted(pack: Pack, tmp_path: Path) -> None:
    first = pack.questions[0].id
    path = tmp_path / "r.yaml"
    path.write_text(
        f"cooplevier: answers/1\nterritory: T\ndate: 2026-11-25\ntargets: {{L3: 4}}\nanswers:\n  {first}: 4\n",
        encoding="utf-8",
    )
    af = load_answers(path, pack)
    assert af.answers[first].value == 4 and af.targets == {"L3": 4} and str(af.date) == "2026-11-25"


@pytest.mark.parametrize("encoding_of_the_stray", ["latin-1 é", "cp1252 œ"])
def test_one_stray_byte_in_utf8_is_refused_at_its_line(
    cli: Callable[..., Any], pack: Pack, tmp_path: Path, encoding_of_the_stray: str
) -> None:
    stray = {"latin-1 é": b"\xe9", "cp1252 œ": b"\x9c"}[encoding_of_the_stray]
    first = pack.questions[0].id
    raw = (
        "cooplevier: answers/1\nterritory: Île-de-France\nanswers:\n  " + first + ': {level: 3, comment: "r'
    ).encode()
    raw += stray + b'union"}\n'
    path = tmp_path / "r.yaml"
    path.write_bytes(raw)
    result = cli("validate", str(path))
    assert result.exit_code == 1 and f"{path}:4:" in result.stderr and "UTF-8" in result.stderr
    assess = cli("assess", str(path), input="q\n")
    assert assess.exit_code == 1 and path.read_bytes() == raw  # never saved garbled


def test_a_file_wholly_in_cp1252_is_read_with_a_warning(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes("cooplevier: answers/1\nterritory: Île-de-France\nanswers: {}\n".encode("cp1252"))
    result = cli("validate", str(path))
    assert result.exit_code == 0 and "Windows-1252" in result.stderr
    assert load_answers(path, pack).territory == "Île-de-France"
