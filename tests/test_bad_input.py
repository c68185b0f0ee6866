"""Broken and awkward answer files: each gives one clear located French line, never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooplevier.content.answers import MAX_ANSWERS_BYTES, load_answers
from cooplevier.content.model import Pack
from cooplevier.errors import CooplevierError
from cooplevier.typography import typeset

GOOD = (
    "cooplevier: answers/1\nterritory: Pays d'Été\nrespondent:\n  name: Marie\n  role: elu\n"
    'date: 2026-11-25\nanswers:\n  L1.Q2: 4\n  L1.Q5: na\n  L2.Q1: {level: 3, comment: "en cours"}\n'
)
HEAD = "cooplevier: answers/1\nterritory: X\n"

BROKEN: list[Any] = [
    pytest.param(b"", 1, "vide", id="empty"),
    pytest.param(b"  \n\n# rien\n", 1, "vide", id="blank-and-comment"),
    pytest.param(b"\xef\xbb\xbf", 1, "vide", id="only-bom"),
    pytest.param(bytes(range(256)) * 4, 1, "pas un fichier texte", id="binary"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "pas un fichier texte", id="png"),
    pytest.param("territory: x\n".encode("utf-16-le"), None, "UTF-16 sans BOM", id="utf16-no-bom"),
    pytest.param(b"a: \x81\x8d\n", 1, "pas en UTF-8", id="undecodable"),
    pytest.param(GOOD.encode() + b"  L1.Q2: 2\n", 11, "en double", id="duplicate-answer"),
    pytest.param((HEAD + "answers: {L1.Q2: !!python/object:os.system 4}\n").encode(), 3, "étiquette", id="tag"),
    pytest.param(b'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n', 1, "ancre ou alias", id="alias-bomb"),
    pytest.param(b"[" * 5000 + b"]" * 5000, 1, "imbrication trop profonde", id="deep-flow"),
    pytest.param("".join(" " * i + "a:\n" for i in range(40)).encode(), None, "imbrication", id="deep-map"),
    pytest.param(b"- 1\n- 2\n", 1, "table YAML", id="list"),
    pytest.param(b"just text\n", 1, "table YAML", id="scalar"),
    pytest.param(GOOD.replace("answers/1", "answers/2").encode(), 1, "format", id="wrong-format"),
    pytest.param((HEAD + "answers: [1, 2]\n").encode(), 3, "sans tiret", id="answers-list"),
    pytest.param(b"cooplevier: answers/1\nterritory: [a]\nanswers: {}\n", 2, "attendu un texte", id="territory-list"),
    pytest.param((HEAD + "answers: {L1.Q2: 3.5}\n").encode(), 3, "invalide pour L1.Q2", id="float-level"),
    pytest.param((HEAD + "answers: {L1.Q2: yes}\n").encode(), 3, "invalide pour L1.Q2", id="bool-level"),
    pytest.param((HEAD + "answers: {L99.Q1: 3}\n").encode(), 3, "inconnue", id="unknown-question"),
    pytest.param((HEAD + "date: 2026-13-45\nanswers: {}\n").encode(), 3, "date invalide", id="impossible-date"),
    pytest.param((HEAD + "respondent: {role: maire}\nanswers: {}\n").encode(), 3, "rôle", id="bad-role"),
    pytest.param((HEAD + "<<: {a: 1}\nanswers: {}\n").encode(), 3, "champ inconnu", id="merge-key"),
    pytest.param(GOOD.encode() + b"---\na: 1\n", 11, "un seul document", id="two-documents"),
    pytest.param(b"cooplevier: answers/1\n\tterritory: X\n", 2, "tabulation", id="tab"),
    pytest.param((HEAD + "answers: {}\n").encode().replace(b"X", b"X\x07"), 2, "caractère de contrôle", id="control"),
    pytest.param((HEAD + 'answers: {L1.Q2: "\\ud800"}\n').encode(), 3, "échappement", id="bad-escape"),
    pytest.param(GOOD.encode() + b"#" * MAX_ANSWERS_BYTES, None, "trop volumineux", id="huge"),
]


@pytest.mark.parametrize(("raw", "line", "words"), BROKEN)
def test_broken_file_gives_one_clear_line(
    cli: Callable[..., Any], tmp_path: Path, raw: bytes, line: int | None, words: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_bytes(raw)
    result = cli("score", str(path), "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == "[]\n"
    first = result.stderr.splitlines()[0]
    prefix = f"{path}:{line}:" if line else f"{path}:"
    assert first.startswith(prefix), first
    assert words in first
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(GOOD.encode("utf-8-sig"), id="bom"),
        pytest.param(GOOD.replace("\n", "\r\n").encode(), id="crlf"),
        pytest.param(GOOD.encode("utf-16"), id="utf16-bom"),
        pytest.param(GOOD.encode("utf-32"), id="utf32-bom"),
        pytest.param(GOOD.encode("cp1252"), id="cp1252"),
    ],
)
def test_windows_files_are_scored(cli: Callable[..., Any], tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes(raw)
    result = cli("score", str(path), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert ";Pays d'Été;Marie;elu;" in result.stdout


def test_cp1252_file_is_read_with_a_warning(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes(GOOD.encode("cp1252"))
    result = cli("score", str(path), "--format", "json")
    assert result.exit_code == 0
    assert "Windows-1252" in result.stderr


def test_folder_missing_and_empty_paths(cli: Callable[..., Any], tmp_path: Path) -> None:
    empty = tmp_path / "vide"
    empty.mkdir()
    result = cli("score", str(tmp_path / "absent.yaml"), str(empty), "--format", "json")
    assert result.exit_code == 1
    assert f"{tmp_path / 'absent.yaml'}: chemin introuvable" in result.stderr
    assert f"{empty}: aucun fichier *.yaml" in result.stderr


def test_folder_named_like_a_file_is_searched_not_read(cli: Callable[..., Any], tmp_path: Path) -> None:
    folder = tmp_path / "reponses.yaml"
    folder.mkdir()
    (folder / "a.yaml").write_text(GOOD, encoding="utf-8")
    result = cli("score", str(folder), "--format", "json")
    assert result.exit_code == 0
    assert '"territory": "Pays d\'Été"' in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX links and FIFOs")
def test_links_fifos_and_loops_do_not_hang(cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "ok.yaml").write_text(GOOD, encoding="utf-8")
    os.symlink("loop2.yaml", tmp_path / "loop1.yaml")
    os.symlink("loop1.yaml", tmp_path / "loop2.yaml")
    os.symlink("nowhere.yaml", tmp_path / "dangling.yaml")
    os.symlink(".", tmp_path / "self")  # a folder link to itself: not followed
    os.mkfifo(tmp_path / "pipe.yaml")
    result = cli("score", str(tmp_path), "--format", "json")
    assert result.exit_code == 1
    err = result.stderr
    assert f"{tmp_path / 'loop1.yaml'}: fichier illisible" in err
    assert f"{tmp_path / 'dangling.yaml'}: fichier introuvable" in err
    assert f"{tmp_path / 'pipe.yaml'}: ce n'est pas un fichier ordinaire" in err
    assert result.stdout.count('"territory"') == 1


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(GOOD, encoding="utf-8")
    path.chmod(0)
    result = cli("score", str(path), "--format", "json")
    assert result.exit_code == 1
    assert f"{path}: fichier illisible" in result.stderr


def test_a_flood_of_errors_is_capped(cli: Callable[..., Any], tmp_path: Path) -> None:
    path = tmp_path / "flood.yaml"
    path.write_text(HEAD + "answers:\n" + "".join(f"  k{i}: 1\n" for i in range(500)), encoding="utf-8")
    result = cli("score", str(path), "--format", "json")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) < 30
    assert "480 autres erreurs" in result.stderr


# --- fuzzing: whatever the bytes, the loader loads or raises CooplevierError -----------------

_SEED = GOOD.encode() + (HEAD + "targets: {L3: 4}\nanswers: {L5.Q2: unknown}\n").encode()
_NASTY = [
    b"\x00",
    b"\xff",
    b"\t",
    b"&a ",
    b"*a",
    b"!!str ",
    b"[",
    b"{",
    b"'",
    b'"',
    b": ",
    b"- ",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"---\n",
    b"? ",
    b"%YAML 1.1\n",
    b"\\u",
    b"<<: ",
    b"\xe9",
    b"~",
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from([GOOD.encode(), _SEED])))
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(data)))
        kind = draw(st.integers(0, 3))
        if kind == 0:
            data[pos:pos] = draw(st.sampled_from(_NASTY))
        elif kind == 1:
            del data[pos : pos + draw(st.integers(1, 20))]
        elif kind == 2:
            data[pos:pos] = draw(st.binary(max_size=8))
        else:
            data[pos : pos + 1] = bytes([draw(st.integers(0, 255))])
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=mutated())
def test_fuzzed_files_load_or_raise_cooplevier_error(tmp_path: Path, pack: Pack, raw: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(raw)
    try:
        af = load_answers(path, pack)
    except CooplevierError as exc:
        assert exc.located().startswith(str(path))
    else:
        assert af.territory


@pytest.mark.parametrize("escape", ["\\x1b[31m", "\\0", "\\a", "\\x7f"])
def test_control_characters_in_text_are_refused(escape: str, tmp_path: Path, cli: Any) -> None:
    """Written as YAML escapes they would reach the terminal (escape injection) and the reports."""
    path = tmp_path / "ctl.yaml"
    path.write_text(
        f'cooplevier: answers/1\nterritory: "Pays{escape}X"\nanswers:\n  L1.Q2: {{level: 2, comment: "a{escape}"}}\n',
        encoding="utf-8",
    )
    result = cli("validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:2:" in result.stderr and f"{path}:4:" in result.stderr
    assert "caractère de contrôle" in result.stderr


def test_targets_take_the_answers_spellings_only(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        'cooplevier: answers/1\nterritory: X\ntargets: {L1: 3.0, L2: "4", L3: 6}\nanswers:\n  L1.Q2: {level: }\n',
        encoding="utf-8",
    )
    out = cli("validate", str(path)).stderr
    assert typeset("cible « 3.0 » invalide pour L1") in out and typeset("cible « 6 » invalide pour L3") in out
    assert "L2" not in out and typeset("réponse « (vide) » invalide pour L1.Q2") in out and "None" not in out


def test_non_specific_tag_is_refused(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("cooplevier: answers/1\nterritory: X\nanswers:\n  L1.Q2: ! 3\n", encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 1 and f"{path}:4:" in result.stderr and "étiquette YAML" in result.stderr
