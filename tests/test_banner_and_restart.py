"""Issue 18, the smaller ones: the assess banner before the structure is chosen, a workshop that
restarts on an answer file ending inside a bracket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cooplevier.assess.screens import Intro
from cooplevier.assess.session import assess
from cooplevier.content.model import STRUCTURES, Pack
from tests.helpers import invoke
from tests.test_assess_sessions import TODAY, Scripted


class Watching(Scripted):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(lines)
        self.screens: list[Any] = []

    def show(self, screen: object) -> None:
        self.screens.append(screen)


def test_the_banner_announces_no_count_before_the_structure_is_chosen(pack: Pack, tmp_path: Path) -> None:
    pnr = STRUCTURES.index("pnr") + 1
    p = Watching([str(pnr), "q"])
    assess(pack, p, path=tmp_path / "r.yaml", territory="T", role="elu", today=TODAY)
    intro = next(s for s in p.screens if isinstance(s, Intro))
    assert intro.questions is None  # 49 with no structure, 45 for a PNR: not said before the choice
    expected = len(pack.form("pnr", None))
    assert any(f"{expected} questions pour ce type de structure" in " ".join(s.split()) for s in p.said), p.said
    p = Watching(["q"])
    assess(pack, p, path=tmp_path / "s.yaml", territory="T", role="elu", structure="scot", today=TODAY)
    assert next(s for s in p.screens if isinstance(s, Intro)).questions == len(pack.form("scot", None))


def test_a_workshop_restart_on_a_file_ending_inside_a_bracket_says_it_in_french(tmp_path: Path, pack: Pack) -> None:
    from tests.test_atelier_support import Room

    folder = tmp_path / "atelier"
    r = Room(folder, pack)
    phone = r.client()
    r.join(phone)
    r.close()
    r.w.registry.close()
    (path,) = folder.glob("reponses-*.yaml")
    path.write_text(path.read_text(encoding="utf-8") + "remarque: [", encoding="utf-8")
    result = invoke("atelier", str(folder), "--port", "0")
    assert result.exit_code == 1 and "erreur interne" not in result.stderr
    assert f"{path}:" in result.stderr and "crochet ou accolade" in result.stderr
