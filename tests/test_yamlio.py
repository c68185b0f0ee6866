"""The one YAML loader: strict, located errors, Windows files."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooplevier.content.strict_yaml import load_file, parse
from cooplevier.errors import CooplevierError


def test_values_are_text_as_written_and_keep_positions() -> None:
    doc = parse("a: 1\nb:\n  - x\n  - {c: 2026-11-25, d: na, e: '3'}\nf:\ng: 01053\n", file="t.yaml")
    assert doc.data == {"a": "1", "b": ["x", {"c": "2026-11-25", "d": "na", "e": "3"}], "f": None, "g": "01053"}
    assert doc.where(("b", 1, "d")) == (4, 24)
    assert doc.where(("b",), key=True) == (2, 1)
    assert doc.where(("missing", "deeper")) == (1, 1)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        pytest.param("a: 1\na: 2\n", 2, "en double (déjà à la ligne 1)", id="duplicate-key"),
        pytest.param("a: !!python/object/apply:os.system [ls]\n", 1, "étiquette YAML", id="python-tag"),
        pytest.param("a: !custom x\n", 1, "étiquette YAML", id="custom-tag"),
        pytest.param("a: &x [1, 2]\nb: *x\n", 1, "ancre ou alias", id="anchor"),
        pytest.param("a: [1, 2\n", 1, "non fermé", id="unclosed-bracket"),
        pytest.param("a:\n\t- 1\n", 2, "tabulation", id="tab"),
        pytest.param("a: 'x\n", 1, "guillemet non fermé", id="unclosed-quote"),
        pytest.param("a: 1\n---\nb: 2\n", 2, "un seul document", id="two-documents"),
        pytest.param("[" * 100 + "]" * 100, 1, "imbrication trop profonde", id="deep-nesting"),
        pytest.param("? [a]\n: 1\n", 1, "clé invalide", id="complex-key"),
    ],
)
def test_refusals_are_located_and_french(text: str, line: int, words: str) -> None:
    with pytest.raises(CooplevierError) as info:
        parse(text, file="f.yaml")
    assert info.value.file == "f.yaml"
    assert info.value.line == line
    assert words in info.value.message
    assert str(info.value).startswith(f"f.yaml:{line}:")


def test_billion_laughs_is_refused_before_expansion() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]" for i in range(8)]
    with pytest.raises(CooplevierError, match="ancre ou alias"):
        parse("\n".join(lines), file="bomb.yaml")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("territory: Pays d'Été\r\n".encode("utf-8-sig"), "Pays d'Été", id="bom-crlf"),
        pytest.param("territory: Pays d'Été\n".encode("utf-16"), "Pays d'Été", id="utf16-bom"),
        pytest.param("territory: Pays d'Été\r\n".encode("cp1252"), "Pays d'Été", id="cp1252"),
    ],
)
def test_windows_files_are_read(tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_bytes(raw)
    doc = load_file(path, max_bytes=10_000)
    assert doc.data == {"territory": expected}


def test_cp1252_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_bytes("territory: Pays d'Été\n".encode("cp1252"))
    assert "Windows-1252" in load_file(path, max_bytes=10_000).warnings[0]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        pytest.param(b"\x00\x01binary", "pas un fichier texte", id="binary"),
        pytest.param(b"a: \x81\x8d\n", "pas en UTF-8", id="undecodable"),
        pytest.param(b"a: " + b"x" * 200, "trop volumineux", id="too-big"),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, raw: bytes, words: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(raw)
    with pytest.raises(CooplevierError, match=words):
        load_file(path, max_bytes=100)


def test_missing_and_folder(tmp_path: Path) -> None:
    with pytest.raises(CooplevierError, match="fichier introuvable"):
        load_file(tmp_path / "nope.yaml", max_bytes=100)
    with pytest.raises(CooplevierError, match="dossier"):
        load_file(tmp_path, max_bytes=100)
