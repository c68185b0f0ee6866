"""Trust, batches (class 11): a batch tells the truth about its inputs. A refused file is one
French line and the batch goes on; a file met twice counts once; a territory typed in NFC or NFD,
in any case, is one; mixed territories or versions are said."""

from __future__ import annotations

import json
import os
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.typography import typeset
from tests.helpers import all_answers

Cli = Callable[..., Any]
OLD = Path(__file__).parent / "data" / "answers-1.0.yaml"


def _folder(pack: Any, write_answers: Callable[..., Path]) -> Path:
    for n in range(4):
        write_answers(all_answers(pack, 1 + n), name=f"r/p{n}.yaml")
    return write_answers(all_answers(pack, 3), name="r/p0.yaml").parent


BAD_FILES = {
    "not-yaml.yaml": b"territory: [\n",
    "latin1.yaml": "cooplevier: answers/1\nterritory: Île\nanswers: {}\n".encode().replace(b"\xc3\x8e", b"\xce")
    + b"\xff\n",
    "empty.yaml": b"",
    "binary.yaml": bytes(range(256)),
    "list.yaml": b"- a\n- b\n",
    "unknown-id.yaml": b"cooplevier: answers/1\nterritory: X\nanswers:\n  L99.Q1: 3\n",
}


@pytest.mark.parametrize(
    "command", [["score", "--format", "json"], ["report", "--format", "json"], ["validate", "--format", "json"]]
)
def test_every_refused_file_is_one_line_and_the_batch_goes_on(
    cli: Cli, pack: Any, write_answers: Callable[..., Path], command: list[str]
) -> None:
    folder = _folder(pack, write_answers)
    for name, data in BAD_FILES.items():
        (folder / name).write_bytes(data)
    os.symlink(folder / "nowhere.yaml", folder / "dangling.yaml")
    result = cli(command[0], str(folder), *command[1:])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    for name in [*BAD_FILES, "dangling.yaml"]:
        said = [line for line in lines if name in line]
        assert said, (name, result.stderr)
    assert "Traceback" not in result.stderr and "erreur interne" not in result.stderr
    assert "7 fichiers refusés sur 11" in result.stderr
    data = json.loads(result.stdout)
    counted = len(data) if command[0] == "score" else data.get("respondents", len(data.get("files", [])))
    assert counted in (4, 11)  # score and report keep the four good files; validate lists all


def test_an_unreadable_folder_inside_the_batch_is_one_line(
    cli: Cli, pack: Any, write_answers: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(pack, write_answers)
    (folder / "sous").mkdir()
    real = os.scandir

    def scandir(path: Any) -> Any:
        if str(path).endswith("sous"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = cli("score", str(folder), "--format", "csv")
    assert result.exit_code == 1 and "sous" in result.stderr and "illisible" in result.stderr
    assert len(result.stdout.splitlines()) == 5  # header and the four files


def test_a_file_reached_twice_counts_once(
    cli: Cli, pack: Any, write_answers: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(pack, write_answers)
    os.symlink(folder / "p1.yaml", folder / "lien.yaml")
    os.link(folder / "p2.yaml", folder / "dur.yaml")
    monkeypatch.chdir(tmp_path)
    result = cli("report", "r", "./r/p3.yaml", "r/p3.yaml", str(folder / "p0.yaml"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["respondents"] == 4
    lines = result.stderr.splitlines()
    for one, other in (("lien.yaml", "p1.yaml"), ("dur.yaml", "p2.yaml"), ("/p0.yaml", "r/p0.yaml")):
        assert any(one in line and other in line and "même fichier" in line for line in lines), (one, lines)
    assert typeset("r/p3.yaml est donné plus d'une fois : compté une fois") in result.stderr
    score = cli("score", "r", "r/p0.yaml", "--format", "csv")
    assert len(score.stdout.splitlines()) == 5


@pytest.mark.parametrize(
    "spelling",
    [
        lambda s: unicodedata.normalize("NFD", s),
        str.upper,
        lambda s: f"  {s} ",
        lambda s: s.replace(" ", "  "),
    ],
)
def test_one_territory_however_typed(
    cli: Cli, pack: Any, write_answers: Callable[..., Path], tmp_path: Path, spelling: Callable[[str], str]
) -> None:
    name = "Île-de-France Est"
    write_answers(all_answers(pack, 2), name="r/a.yaml", territory=unicodedata.normalize("NFC", name))
    write_answers(all_answers(pack, 3), name="r/b.yaml", territory=spelling(name))
    result = cli("report", str(tmp_path / "r"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["territories"]) == 1
    assert "plusieurs territoires" not in result.stderr


def test_mixed_territories_and_versions_are_said(cli: Cli, pack: Any, write_answers: Callable[..., Path]) -> None:
    folder = write_answers(all_answers(pack, 2), name="r/a.yaml", territory="Pays Exemple").parent
    write_answers(all_answers(pack, 3), name="r/b.yaml", territory="Pays Voisin")
    shutil.copy(OLD, folder / "ancien.yaml")
    result = cli("report", str(folder), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "plusieurs territoires" in result.stderr and "Pays Voisin" in result.stderr
    assert "plusieurs versions" in result.stderr and "1.0" in result.stderr
