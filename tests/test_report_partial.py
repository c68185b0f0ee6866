"""A workshop set with a bad file: the synthesis of the good ones is still written, exit 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cooplevier.content.model import Pack
from tests.helpers import all_answers, answers_yaml


def test_bad_file_does_not_stop_the_synthesis(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(answers_yaml(all_answers(pack, 2), role="elu"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(answers_yaml(all_answers(pack, 4), role="technicien"), encoding="utf-8")
    (tmp_path / "c.yaml").write_text("cooplevier: answers/1\nterritory: X\nanswers:\n  L1.Q2: 9\n", encoding="utf-8")
    out = tmp_path / "synthese.json"
    result = cli("report", str(tmp_path), "--format", "json", "--output", str(out), "--min-group", "1")
    assert result.exit_code == 1
    assert "c.yaml:4:" in result.stderr and "1 fichier refusé sur 3" in result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["respondents"] == 2
    assert data["divergent"] == []  # two people: the rule cannot judge
    assert all(lv["divergent"] is None for lv in data["levers"].values())


def test_output_suffix_chooses_the_format(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(answers_yaml(all_answers(pack, 3)), encoding="utf-8")
    for name, start in (("plan.md", "# "), ("plan.json", "{"), ("plan.html", "<!DOCTYPE html>")):
        assert cli("report", str(answers), "--output", str(tmp_path / name)).exit_code == 0
        assert (tmp_path / name).read_text(encoding="utf-8").startswith(start), name
    assert cli("handout", "guide", "--output", str(tmp_path / "guide.md")).exit_code == 0
    assert (tmp_path / "guide.md").read_text(encoding="utf-8").startswith("# ")


def test_an_input_is_never_overwritten_by_its_result(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    answers = tmp_path / "a.json"  # an answer file may have any name when it is named explicitly
    original = answers_yaml(all_answers(pack, 3))
    answers.write_text(original, encoding="utf-8")
    for command in (["report", str(answers)], ["score", str(answers)]):
        result = cli(*command, "--output", str(answers), "--force")
        assert result.exit_code == 2
        assert "aussi un fichier d'entrée" in result.stderr
    assert answers.read_text(encoding="utf-8") == original


def test_devices_are_written_into_never_replaced(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    import os
    import stat

    answers = tmp_path / "a.yaml"
    answers.write_text(answers_yaml(all_answers(pack, 3)), encoding="utf-8")
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    import threading

    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    assert cli("report", str(answers), "--format", "json", "--output", str(fifo), "--force").exit_code == 0
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode) and received and received[0].startswith(b"{")
    assert cli("report", str(answers), "--output", os.devnull).exit_code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_only_refused_files_each_said_once(cli: Callable[..., Any], tmp_path: Path) -> None:
    result = cli("report", str(tmp_path / "a1.yaml"), str(tmp_path / "a2.yaml"))
    assert result.exit_code == 1
    assert result.stderr.count("a1.yaml: chemin introuvable") == 1
    assert "aucun fichier de réponses valide" in result.stderr
