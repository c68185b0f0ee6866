"""Publishing a result: every file of an Output written, or none left behind; never over an input."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooplevier.errors import CooplevierError
from cooplevier.files import Output, Part, beside, publish


def test_the_document_and_its_picture_are_written_side_by_side(tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    picture = beside(str(target), "roue.png")
    assert picture == "plan-roue.png"
    publish(Output.of("# Plan\n", Part(b"\x89PNG", picture)), str(target))
    assert target.read_text(encoding="utf-8") == "# Plan\n"
    assert (tmp_path / "plan-roue.png").read_bytes() == b"\x89PNG"


def test_no_part_lands_on_an_input_and_nothing_is_written(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("territory: X\n", encoding="utf-8")
    (tmp_path / "plan-roue.png").symlink_to(answers)  # a link planted where the picture goes
    output = Output.of("# Plan\n", Part(b"\x89PNG", "plan-roue.png"))
    with pytest.raises(CooplevierError):
        publish(output, str(tmp_path / "plan.md"), inputs=[answers], force=True)
    assert answers.read_text(encoding="utf-8") == "territory: X\n"
    assert not (tmp_path / "plan.md").exists()


def test_a_document_that_cannot_be_written_takes_its_new_picture_away(tmp_path: Path) -> None:
    (tmp_path / "plan.md").write_text("already there\n", encoding="utf-8")
    output = Output.of("# Plan\n", Part(b"\x89PNG", "plan-roue.png"))
    with pytest.raises(CooplevierError):
        publish(output, str(tmp_path / "plan.md"))  # exists, and no --force
    assert not (tmp_path / "plan-roue.png").exists()
    assert (tmp_path / "plan.md").read_text(encoding="utf-8") == "already there\n"


def test_standard_output_and_devices_have_no_picture_beside_them() -> None:
    assert beside(None, "roue.png") is None
    assert beside("-", "roue.png") is None
    assert beside("/dev/null", "roue.png") is None
