"""Trust, templates (class 7): a user's --template folder that is wrong, or hostile, gets a French
line naming its file and line, exit 1, and never reaches Python's internals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier.typography import typeset
from tests.helpers import all_answers

CASES = [
    # (template text, line said, words of the message)
    ("{{ plan.nope }}", 1, "variable n'existe pas"),
    ("ligne 1\n{{ 1 / 0 }}", 2, "ZeroDivisionError"),
    ('\n\n{{ "a" + 1 }}', 3, "a échoué"),
    ("{% for x in %}", 1, "modèle invalide"),
    ('a\n{% include "absent.j2" %}', 2, "modèle introuvable"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", 1, "opération interdite"),
    ("{{ plan.__init__.__globals__ }}", 1, "opération interdite"),
    ("{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}", 1, "opération interdite"),
    ("{{ range(10**9) | list | length }}", 1, "a échoué"),
]


@pytest.mark.parametrize(("body", "line", "words"), CASES)
@pytest.mark.parametrize("kind", ["plan", "synthesis"])
def test_a_broken_or_hostile_template_is_named_at_its_line(
    cli: Callable[..., Any],
    pack: Any,
    write_answers: Callable[..., Path],
    tmp_path: Path,
    body: str,
    line: int,
    words: str,
    kind: str,
) -> None:
    folder = tmp_path / "modeles"
    folder.mkdir()
    (folder / f"{kind}.md.j2").write_text(body, encoding="utf-8")
    a = write_answers(all_answers(pack, 3), name="r/a.yaml")
    write_answers(all_answers(pack, 2), name="r/b.yaml")
    target = a if kind == "plan" else a.parent
    result = cli("report", str(target), "--format", "md", "--template", str(folder))
    assert result.exit_code == 1, result.stdout
    assert f"{kind}.md.j2:{line}:" in result.stderr and typeset(words) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "erreur interne" not in result.stderr
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_the_shipped_templates_are_used_for_what_the_folder_lacks(
    cli: Callable[..., Any], pack: Any, write_answers: Callable[..., Path], tmp_path: Path
) -> None:
    (tmp_path / "vide").mkdir()
    result = cli(
        "report", str(write_answers(all_answers(pack, 3))), "--format", "md", "--template", str(tmp_path / "vide")
    )
    assert result.exit_code == 0 and result.stdout.startswith("# Plan d'action")
