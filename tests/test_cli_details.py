"""Trust, small things a user meets (class 13): each checked from outside, through the CLI."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cooplevier.content.answers import load_answers
from cooplevier.content.model import Pack
from cooplevier.resources import shipped_dir
from cooplevier.typography import typeset
from tests.helpers import all_answers, answers_yaml

Cli = Callable[..., Any]
PLAIN = {"NO_COLOR": "1", "COLUMNS": "80", "TERM": "xterm-256color"}


def test_an_existing_output_is_refused_before_any_work(
    cli: Cli, pack: Pack, write_answers: Callable[..., Path], tmp_path: Path
) -> None:
    folder = write_answers(all_answers(pack, 3), name="r/a.yaml").parent
    (folder / "casse.yaml").write_text("territory: [\n", encoding="utf-8")  # would be said if the batch ran
    (tmp_path / "plan.html").write_text("mon plan", encoding="utf-8")
    for command in (["report", str(folder)], ["score", str(folder)], ["handout", "poster", str(folder)]):
        out = tmp_path / "plan.html" if command[0] != "score" else tmp_path / "plan.csv"
        out.write_text("mon plan", encoding="utf-8")
        result = cli(*command, "--output", str(out))
        assert result.exit_code == 2 and "existe déjà" in result.stderr and "casse.yaml" not in result.stderr, command
        assert out.read_text(encoding="utf-8") == "mon plan"


# command, output name, exit code: a suffix naming no format is refused before any work unless --format says
SUFFIXES = [
    (["report"], "plan.ods", 2),
    (["report"], "plan.txt", 2),
    (["report", "--format", "md"], "plan.txt", 0),
    (["report", "--format", "md"], "plan.html", 2),
    (["score"], "notes.txt", 0),
    (["score"], "notes.ods", 2),
    (["score", "--format", "csv"], "notes.txt", 2),
    (["score", "--format", "csv"], "notes.dat", 0),
    (["compare", "=A"], "c.txt", 0),
    (["compare", "=A"], "c.pdf", 2),
    (["handout", "cards"], "cartes.docx", 2),
    (["handout", "cards", "--format", "md"], "cartes.txt", 0),
]


@pytest.mark.parametrize(("command", "name", "code"), SUFFIXES)
def test_output_suffixes(
    cli: Cli, pack: Pack, write_answers: Callable[..., Path], tmp_path: Path, command: list[str], name: str, code: int
) -> None:
    a = write_answers(all_answers(pack, 3), name="a.yaml")
    args = [arg if arg != "=A" else str(a) for arg in command]
    if args[0] in ("report", "score", "compare"):
        args.insert(1, str(a))
    result = cli(*args, "--output", str(tmp_path / name))
    assert result.exit_code == code, result.stderr
    assert (tmp_path / name).exists() == (code == 0)
    if code:
        assert "extension" in result.stderr and "Traceback" not in result.stderr


def test_compare_table_goes_to_the_output(
    cli: Cli, pack: Pack, write_answers: Callable[..., Path], tmp_path: Path
) -> None:
    a = write_answers(all_answers(pack, 2), name="a.yaml")
    b = write_answers(all_answers(pack, 3), name="b.yaml")
    result = cli("compare", str(a), str(b), "--format", "table", "--output", str(tmp_path / "c.txt"))
    assert result.exit_code == 0 and result.stdout == ""
    text = (tmp_path / "c.txt").read_text(encoding="utf-8")
    assert "Avant" in text and "\x1b" not in text


def test_validate_takes_folders_writes_on_stdout_and_speaks_json(
    cli: Cli, pack: Pack, write_answers: Callable[..., Path]
) -> None:
    folder = write_answers(all_answers(pack, 3), name="r/a.yaml").parent
    write_answers({"L1.Q2": 9}, name="r/b.yaml")
    text = cli("validate", str(folder))
    assert text.exit_code == 1 and typeset("a.yaml : valide") in text.stdout and "b.yaml" in text.stderr
    data = json.loads(cli("validate", str(folder), "--format", "json").stdout)
    assert data["valid"] is False and data["content"]["valid"] is True
    assert [(f["file"].rsplit("/", 1)[-1], f["valid"]) for f in data["files"]] == [("a.yaml", True), ("b.yaml", False)]
    assert cli("validate", str(folder / "a.yaml"), "--format", "json").exit_code == 0


def test_going_back_to_a_je_ne_sais_pas(cli: Cli, pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    script = "".join(f"{line}\n" for line in ("?", "p", "3", "q"))
    result = cli("assess", str(path), "-t", "Pays", "-r", "elu", "-s", "autre", input=script, env=PLAIN)
    assert "erreur interne" not in result.output and "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    first = pack.form("autre", None)[0] if hasattr(pack, "form") else pack.questions[0]
    assert {k: a.value for k, a in load_answers(path, pack).answers.items()} == {getattr(first, "id", first): 3}


def test_a_second_participant_gets_a_file_of_their_own(
    cli: Cli, pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = tmp_path / "reponses-pays-de-test.yaml"
    first.write_text(answers_yaml({"L1.Q2": 2}, name="Marie", territory="Pays de Test"), encoding="utf-8")
    before = first.read_bytes()
    result = cli("assess", "-t", "Pays de Test", "-r", "technicien", "-s", "autre", input="n\n4\nq\n", env=PLAIN)
    assert result.exit_code == 0, result.output
    assert "Marie" in result.output and "reponses-pays-de-test-2.yaml" in result.output
    assert first.read_bytes() == before
    mine = load_answers(tmp_path / "reponses-pays-de-test-2.yaml", pack)
    assert mine.role == "technicien" and len(mine.answers) == 1


HOSTILE = "<script>alert(1)</script> *gras* [lien](javascript:alert(1)) `code` _x_ | table"


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("kind", ["guide", "cards", "questionnaire"])
def test_a_hostile_pack_title_and_publisher_are_escaped(cli: Cli, tmp_path: Path, fmt: str, kind: str) -> None:
    content = tmp_path / "contenu"
    shutil.copytree(shipped_dir("data"), content)
    levers = content / "levers.yaml"
    text = levers.read_text(encoding="utf-8")
    for field in ("  title", "    title", "    publisher"):  # the pack's title, its source's title and publisher
        planted = f"{field}: {json.dumps(f'{field.strip()} {HOSTILE}')}"
        text = re.sub(rf"^{field}: .*$", lambda _m, line=planted: line, text, count=1, flags=re.M)
    levers.write_text(text, encoding="utf-8")
    meta = yaml.safe_load(text)["pack"]
    assert meta["title"].endswith(HOSTILE) and meta["source"]["publisher"].endswith(HOSTILE)
    result = cli("handout", kind, "--format", fmt, "--content", str(content))
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "<script>alert" not in out
    if fmt == "md":
        assert "[lien](javascript:" not in out and "*gras*" not in out and "`code`" not in out
