"""The questionnaire engine and session, driven by a scripted prompter (no terminal)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cooplevier.assess.engine import Action, Comment, Give, Invalid, Questionnaire, parse_command
from cooplevier.assess.screens import HelpView, LeverIntro, QuestionView, RoleMenu, Screen, Summary
from cooplevier.assess.session import assess, command_line
from cooplevier.assess.store import default_file
from cooplevier.content.answers import Answer, load_answers
from cooplevier.content.load import load_pack
from cooplevier.content.model import Pack
from cooplevier.errors import CooplevierError
from cooplevier.files import atomic_write
from cooplevier.typography import typeset
from tests.helpers import answers_yaml

TODAY = dt.date(2026, 11, 25)


class Scripted:
    """A prompter that types the given lines, then ends the input (EOFError)."""

    def __init__(self, lines: Iterable[Any]) -> None:
        self.lines = list(lines)
        self.screens: list[Screen] = []
        self.said: list[str] = []
        self.hints: list[str] = []
        self.warnings: list[str] = []
        self.prompts: list[str] = []
        self.commands: list[str] = []

    def show(self, screen: Screen) -> None:
        self.screens.append(screen)

    def say(self, text: str) -> None:
        self.said.append(text)

    def command(self, text: str, *, err: bool = False) -> None:
        self.commands.append(text)

    def hint(self, text: str) -> None:
        self.hints.append(text)

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def ask(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise EOFError
        line = self.lines.pop(0)
        if isinstance(line, BaseException) or (isinstance(line, type) and issubclass(line, BaseException)):
            raise line
        return str(line)

    @property
    def questions(self) -> list[QuestionView]:
        return [s for s in self.screens if isinstance(s, QuestionView)]

    @property
    def text(self) -> str:
        return "\n".join(self.said + self.hints + self.warnings)


def run(pack: Pack, path: Path | None, lines: Iterable[Any], **kwargs: Any) -> tuple[int, Scripted]:
    prompter = Scripted(lines)
    options: dict[str, Any] = {"territory": "Pays de Test", "role": "elu", "structure": "autre", "today": TODAY}
    options.update(kwargs)
    return assess(pack, prompter, path=path, **options), prompter


def saved(path: Path, pack: Pack) -> dict[str, Any]:
    """The answers in the file, checked strictly (the file must stay valid)."""
    af = load_answers(path, pack)
    return {qid: (a.value, a.comment) if a.comment else a.value for qid, a in af.answers.items()}


def ids(pack: Pack) -> list[str]:
    return [q.id for q in pack.ordered_questions()]


# --- parsing what is typed -------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("3", Give(3)),
        (" 5 ", Give(5)),
        ("1.", Give(1)),
        ("n", Give("na")),
        ("N", Give("na")),
        ("na", Give("na")),
        ("non concerné", Give("na")),
        ("x", Give("unknown")),
        ("X", Give("unknown")),
        ("nsp", Give("unknown")),
        ("je ne sais pas", Give("unknown")),
        ("", Action.KEEP),
        ("   ", Action.KEEP),
        ("p", Action.BACK),
        ("b", Action.BACK),
        ("précédente", Action.BACK),
        ("s", Action.SKIP),
        ("a", Action.HELP),
        ("h", Action.HELP),
        ("?", Action.HELP),
        ("aide", Action.HELP),
        ("q", Action.QUIT),
        ("Q", Action.QUIT),
        ("c", Comment()),
        ("c Pacte en cours de rédaction", Comment("Pacte en cours de rédaction")),
        ("6", Invalid("6")),
        ("0", Invalid("0")),
        ("3 4", Invalid("3 4")),
        ("oui", Invalid("oui")),
        ("\x1b[A", Invalid("\x1b[A")),
    ],
    ids=repr,
)
def test_parse_command(line: str, command: Any) -> None:
    assert parse_command(line) == command


# --- the state machine -------------------------------------------------------------------


def test_fresh_questionnaire_starts_at_the_first_question(pack: Pack) -> None:
    q = Questionnaire(pack.ordered_questions())
    assert (q.index, q.position, q.total) == (0, 1, len(pack.questions))
    assert q.current.id == "L1.Q2" and q.current_answer is None and not q.done


def test_answer_back_and_change(pack: Pack) -> None:
    q = Questionnaire(pack.ordered_questions())
    q.answer(3)
    q.answer(4)
    assert q.current.id == "L1.Q6"
    assert q.back() and q.current.id == "L1.Q5"
    assert q.current_answer == Answer(4)
    q.answer(2)
    assert q.current.id == "L1.Q6"
    assert q.ordered_answers() == {"L1.Q2": Answer(3), "L1.Q5": Answer(2)}


def test_back_at_the_first_question_stays(pack: Pack) -> None:
    q = Questionnaire(pack.ordered_questions())
    assert not q.back()
    assert q.index == 0


def test_going_back_several_questions_then_forward_is_sequential(pack: Pack) -> None:
    q = Questionnaire(pack.ordered_questions())
    for level in (1, 2, 3, 4):
        q.answer(level)
    for _ in range(3):
        q.back()
    assert q.current.id == "L1.Q5"
    q.answer(5)
    assert q.current.id == "L1.Q6"  # already answered in this session: shown again, not jumped
    q.skip()
    q.skip()
    assert q.current.id == "L1.Q8"


def test_skip_leaves_a_gap_to_come_back_to(pack: Pack) -> None:
    q = Questionnaire(pack.ordered_questions())
    q.skip()
    while not q.done:
        q.answer("na")
    assert [x.id for x in q.unanswered()] == ["L1.Q2"]
    assert not q.complete
    assert q.go_to_first_unanswered() and q.current.id == "L1.Q2"
    q.answer(2)
    assert q.done and q.complete and not q.go_to_first_unanswered()


def test_resume_starts_at_the_first_gap_and_jumps_over_earlier_answers(pack: Pack) -> None:
    order = ids(pack)
    answers = {qid: Answer(3) for qid in order[:8] if qid != order[2]}
    q = Questionnaire(pack.ordered_questions(), answers)
    assert q.current.id == order[2]
    q.answer(1)
    assert q.current.id == order[8]  # answered in an earlier session: not asked again
    assert q.back() and q.current.id == order[7]
    assert q.current_answer == Answer(3)


def test_resume_with_everything_answered_is_done(pack: Pack) -> None:
    q = Questionnaire(pack.ordered_questions(), {qid: Answer(2) for qid in ids(pack)})
    assert q.done and q.complete


def test_review_mode_walks_every_question(pack: Pack) -> None:
    q = Questionnaire(pack.ordered_questions(), {qid: Answer(2) for qid in ids(pack)}, review=True)
    assert q.current.id == "L1.Q2" and q.current_answer == Answer(2)
    q.skip()
    q.answer(5)
    assert q.current.id == "L1.Q6"
    assert q.answers["L1.Q5"] == Answer(5)


def test_comment_before_the_answer_waits_for_it(pack: Pack) -> None:
    q = Questionnaire(pack.ordered_questions())
    assert q.set_comment("à vérifier avec le DGS") is False
    assert q.current_comment == "à vérifier avec le DGS"
    q.answer(3)
    assert q.answers["L1.Q2"] == Answer(3, "à vérifier avec le DGS")


def test_comment_on_an_answer_changes_it_and_keeps_it_on_a_new_level(pack: Pack) -> None:
    q = Questionnaire(pack.ordered_questions(), {"L1.Q2": Answer(2)}, review=True)
    assert q.set_comment("texte") is True
    assert q.set_comment("texte") is False  # unchanged: nothing to save
    q.answer(4)
    assert q.answers["L1.Q2"] == Answer(4, "texte")
    q.back()
    assert q.set_comment(None) is True
    assert q.answers["L1.Q2"] == Answer(4)


def test_answers_for_unknown_questions_are_not_the_engines_business(pack: Pack) -> None:
    q = Questionnaire(pack.ordered_questions(), {"L99.Q1": Answer(2), "L1.Q2": Answer(1)})
    assert q.ordered_answers() == {"L1.Q2": Answer(1)}


# --- the session: a scripted respondent ----------------------------------------------------


def test_complete_run_writes_a_valid_file_and_ends_with_the_report_command(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    n = len(pack.questions)
    code, p = run(pack, path, [str(i % 5 + 1) for i in range(n)])
    assert code == 0
    assert saved(path, pack) == {qid: i % 5 + 1 for i, qid in enumerate(ids(pack))}
    af = load_answers(path, pack)
    assert (af.territory, af.role, af.date, af.content) == ("Pays de Test", "elu", TODAY, pack.ref)
    assert [v.position for v in p.questions] == list(range(1, n + 1))
    assert all(v.total == n for v in p.questions)
    summary = [s for s in p.screens if isinstance(s, Summary)]
    assert len(summary) == 1 and summary[0].result.answered == n
    assert command_line("report", path, "--format", "html", "--output", path.with_suffix(".html")) in p.commands


def test_a_lever_panel_comes_before_each_levers_first_question(pack: Pack, tmp_path: Path) -> None:
    n = len(pack.questions_for("L1"))
    _, p = run(pack, tmp_path / "t.yaml", ["3"] * n + ["p", "", "p", "p"])
    shown = [
        s.lever.id if isinstance(s, LeverIntro) else s.question.id
        for s in p.screens
        if isinstance(s, LeverIntro | QuestionView)
    ]
    l1, first_l2 = ids(pack)[:n], ids(pack)[n]
    assert shown[: n + 3] == ["L1", *l1, "L2", first_l2]
    assert shown[n + 3 :] == [l1[-1], "L2", first_l2, l1[-1], l1[-2]]  # none when going back
    panel = next(s for s in p.screens if isinstance(s, LeverIntro))
    assert panel.axis.id == "impulsion" and panel.questions == n


def test_every_answer_is_on_disk_before_the_next_question(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.yaml"
    seen: list[dict[str, Any]] = []

    class Spy(Scripted):
        def show(self, screen: Screen) -> None:
            if isinstance(screen, QuestionView) and path.exists():
                seen.append(saved(path, pack))
            super().show(screen)

    prompter = Spy(["4", "n", "x"])
    code = assess(pack, prompter, path=path, territory="T", role="elu", structure="autre", today=TODAY)
    assert code == 1  # the input ended
    assert seen == [{}, {"L1.Q2": 4}, {"L1.Q2": 4, "L1.Q5": "na"}, {"L1.Q2": 4, "L1.Q5": "na", "L1.Q6": "unknown"}]


def test_back_then_change_keeps_every_other_answer(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    _, p = run(pack, path, ["3", "4", "p", "p", "5", "", "1"])
    assert saved(path, pack) == {"L1.Q2": 5, "L1.Q5": 4, "L1.Q6": 1}
    revisited = [v for v in p.questions if v.answer is not None]
    assert [(v.question.id, v.answer.value) for v in revisited if v.answer] == [
        ("L1.Q5", 4),
        ("L1.Q2", 3),
        ("L1.Q5", 4),
    ]


def test_skip_then_come_back_at_the_end(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    n = len(pack.questions)
    code, p = run(pack, path, ["s"] + ["2"] * (n - 1) + ["o", "5"])
    assert code == 0
    assert saved(path, pack)["L1.Q2"] == 5
    assert any("L1.Q2" in line for line in p.said)  # the gap was named
    assert p.questions[-1].question.id == "L1.Q2"


def test_gaps_left_at_the_end_give_the_command_to_finish_later(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    n = len(pack.questions)
    code, p = run(pack, path, ["s", "s"] + ["2"] * (n - 2) + [""])
    assert code == 0
    assert "L1.Q2" not in saved(path, pack)
    assert command_line("assess", path) in p.commands


def test_comment_typed_inline_or_asked(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    _, p = run(pack, path, ["c Pacte en cours", "3", "4", "p", "c", "Revu en bureau", "", "p", "c", "-"])
    assert saved(path, pack) == {"L1.Q2": (3, "Pacte en cours"), "L1.Q5": 4}
    assert [v.comment for v in p.questions] == [None, None, None, None, None, "Revu en bureau"]


def test_empty_comment_changes_nothing(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    _, p = run(pack, path, ["3", "p", "c", "", ""])
    assert saved(path, pack) == {"L1.Q2": 3}
    assert "Commentaire de L1.Q2 inchangé." in p.said


def test_help_shows_the_levers_practices_vigilance_and_cases_then_the_question_again(
    pack: Pack, tmp_path: Path
) -> None:
    _, p = run(pack, tmp_path / "t.yaml", ["a"])
    help_views = [s for s in p.screens if isinstance(s, HelpView)]
    assert len(help_views) == 1
    view = help_views[0]
    assert view.lever == pack.lever("L1") and view.question.id == "L1.Q2"
    assert view.cases == pack.cases_for("L1") and len(view.steps) == 5
    assert [v.question.id for v in p.questions] == ["L1.Q2", "L1.Q2"]


@pytest.mark.parametrize("line", ["7", "oui", "", "3 4", "zzz"])
def test_invalid_input_gives_a_french_hint_and_asks_again(pack: Pack, tmp_path: Path, line: str) -> None:
    path = tmp_path / "t.yaml"
    code, p = run(pack, path, [line, "2"])
    assert code == 1
    assert len(p.hints) == 1 and "1 à 5" in p.hints[0]
    assert saved(path, pack) == {"L1.Q2": 2}


def test_back_at_the_first_question_says_so(pack: Pack, tmp_path: Path) -> None:
    _, p = run(pack, tmp_path / "t.yaml", ["p"])
    assert p.hints == [typeset("C'est la première question : pas de question précédente.")]


def test_quit_saves_and_tells_how_to_resume(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    code, p = run(pack, path, ["1", "q"], content=tmp_path)
    assert code == 0
    assert saved(path, pack) == {"L1.Q2": 1}
    assert command_line("assess", path, "--content", tmp_path) in p.commands


def test_ctrl_c_saves_and_exits_130(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    code, p = run(pack, path, ["1", "2", KeyboardInterrupt])
    assert code == 130
    assert saved(path, pack) == {"L1.Q2": 1, "L1.Q5": 2}
    assert any("Ctrl-C" in w for w in p.warnings)
    assert command_line("assess", path) in p.commands


def test_ctrl_c_during_a_write_still_saves_the_answer(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.yaml"
    interrupts = iter([False, True])  # the initial save works, the first answer's is interrupted

    def interrupted(target: Path, data: str, *, force: bool = False) -> None:
        if next(interrupts, False):
            raise KeyboardInterrupt
        atomic_write(target, data, force=force)

    monkeypatch.setattr("cooplevier.assess.store.atomic_write", interrupted)
    code, p = run(pack, path, ["2", "3"])
    assert code == 130
    assert saved(path, pack) == {"L1.Q2": 2}
    assert len(p.questions) == 1


def test_end_of_input_saves_and_exits_1(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    code, p = run(pack, path, ["1"])
    assert code == 1
    assert saved(path, pack) == {"L1.Q2": 1}
    assert any("Fin de l'entrée" in w and "1/49" in w for w in p.warnings)


def test_no_input_at_all_before_the_territory_is_known(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, p = run(pack, None, [], territory=None)
    assert code == 1
    assert any("aucune réponse à lire" in w for w in p.warnings)
    assert list(tmp_path.iterdir()) == []


def test_intro_asks_territory_and_role_and_names_the_file(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, p = run(pack, None, ["", "Côte-d'Or / Sud", "9", "societe-civile", "q"], territory=None, role=None)
    assert code == 0
    path = tmp_path / "reponses-cote-d-or-sud.yaml"
    af = load_answers(path, pack)
    assert (af.territory, af.role) == ("Côte-d'Or / Sud", "societe-civile")
    assert any(isinstance(s, RoleMenu) for s in p.screens)
    assert len(p.hints) == 2  # empty territory, role 9


@pytest.mark.parametrize(
    ("typed", "role"),
    [("1", "elu"), ("2", "technicien"), ("Élu", "elu"), ("societe civile", "societe-civile"), ("5", "autre")],
)
def test_role_by_number_or_id(pack: Pack, tmp_path: Path, typed: str, role: str) -> None:
    path = tmp_path / "t.yaml"
    run(pack, path, [typed, "q"], role=None)
    assert load_answers(path, pack).role == role


def test_default_file_name() -> None:
    assert default_file("Pays de Figeac") == Path("reponses-pays-de-figeac.yaml")
    assert default_file("  SCoT du Douaisis ") == Path("reponses-scot-du-douaisis.yaml")
    assert default_file("!!!") == Path("reponses-territoire.yaml")


def test_default_file_is_resumed_when_it_exists(pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reponses-pays-de-test.yaml").write_text(answers_yaml({"L1.Q2": 2}), encoding="utf-8")
    code, _ = run(pack, None, ["pays de test", "o", "4", "q"], territory=None, role=None)
    assert code == 0
    af = load_answers(tmp_path / "reponses-pays-de-test.yaml", pack)
    assert af.territory == "Pays de Test"  # a territory typed to find the file does not rename it
    assert saved(tmp_path / "reponses-pays-de-test.yaml", pack) == {"L1.Q2": 2, "L1.Q5": 4}


# --- resuming ----------------------------------------------------------------------------


def test_resume_at_the_sixth_question_keeping_the_first_five(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    first = ids(pack)[:5]
    path.write_text(answers_yaml({qid: 4 for qid in first}, targets={"L3": 4}, name="Marie"), encoding="utf-8")
    code, p = run(pack, path, ["1", "q"], territory=None, role=None)
    assert code == 0
    assert p.questions[0].position == 6
    assert saved(path, pack) == {**{qid: 4 for qid in first}, ids(pack)[5]: 1}
    af = load_answers(path, pack)
    assert (af.name, af.role, dict(af.targets)) == ("Marie", "elu", {"L3": 4})
    assert any("Reprise" in s and "5/49" in s for s in p.said)


def test_options_override_the_file_and_say_so(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(answers_yaml({"L1.Q2": 4}, territory="Ancien", role="elu"), encoding="utf-8")
    _, p = run(pack, path, ["q"], territory="Nouveau", role="technicien")
    af = load_answers(path, pack)
    assert (af.territory, af.role) == ("Nouveau", "technicien")
    assert any("Ancien" in s and "Nouveau" in s for s in p.said)


def test_a_file_without_role_asks_for_it(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(answers_yaml({"L1.Q2": 4}, role=None), encoding="utf-8")
    run(pack, path, ["3", "q"], territory=None, role=None)
    assert load_answers(path, pack).role == "societe-civile"


def test_leading_comments_of_the_file_are_kept(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("# Atelier du 12 mars\n#\n" + answers_yaml({"L1.Q2": 4}), encoding="utf-8")
    run(pack, path, ["3", "q"])
    assert path.read_text(encoding="utf-8").startswith("# Atelier du 12 mars\n")


@pytest.fixture()
def smaller_pack(tmp_path: Path, pack: Pack) -> Pack:
    """A copy of the shipped pack with L1.Q8 removed (a user's edited pack)."""
    root = tmp_path / "pack"
    shutil.copytree(pack.root, root)
    questions = root / "questions.yaml"
    data = yaml.safe_load(questions.read_text(encoding="utf-8"))
    data["questions"] = [q for q in data["questions"] if q["id"] != "L1.Q8"]
    questions.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "migrations.yaml").unlink()  # its map names L1.Q8: this edited pack is not versioned
    return load_pack(root)


def test_changed_content_sets_answers_aside_without_losing_them(pack: Pack, smaller_pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    answers = {"L1.Q2": 7, "L1.Q5": 2, "L1.Q6": 3, "L1.Q10": "na", "L1.Q8": {"level": 4, "comment": "deux  espaces"}}
    path.write_text(answers_yaml(answers), encoding="utf-8")
    code, p = run(smaller_pack, path, ["5", "q"], territory=None, role=None)
    assert code == 0
    # reported on screen, with their line
    assert any("2 réponses de" in w for w in p.warnings)
    assert any("L1.Q2: 7" in w for w in p.warnings)
    assert any('L1.Q8: {"level": 4, "comment": "deux  espaces"}' in w for w in p.warnings)
    # the invalid one is asked again; the unknown one is not a question any more
    assert p.questions[0].question.id == "L1.Q2"
    assert saved(path, smaller_pack) == {"L1.Q2": 5, "L1.Q5": 2, "L1.Q6": 3, "L1.Q10": "na"}
    # kept, word for word, in comments at the top of the file
    text = path.read_text(encoding="utf-8")
    assert '#   L1.Q8: {"level": 4, "comment": "deux  espaces"}' in text
    assert "#   L1.Q2: 7" in text
    # and still there after another session
    run(smaller_pack, path, ["q"], territory=None, role=None)
    assert path.read_text(encoding="utf-8").count("L1.Q8: {") == 1
    assert "L1.Q2: 7" in path.read_text(encoding="utf-8")


def test_a_complete_file_is_not_changed_without_confirmation(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(answers_yaml({qid: 3 for qid in ids(pack)}), encoding="utf-8")
    before = path.read_bytes()
    code, p = run(pack, path, ["peut-être", "n"], territory=None, role=None)
    assert code == 0
    assert path.read_bytes() == before
    assert p.hints == ["Répondez o (oui) ou n (non), puis Entrée."]
    assert any(isinstance(s, Summary) for s in p.screens) and not p.questions
    code, p = run(pack, path, [], territory=None, role=None)  # no answer to the question: unchanged
    assert code == 1 and path.read_bytes() == before


@pytest.mark.parametrize("confirm", [{"yes": True}, {"lines": ["o"]}], ids=["--yes", "o"])
def test_a_complete_file_can_be_reviewed(pack: Pack, tmp_path: Path, confirm: dict[str, Any]) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(answers_yaml({qid: 3 for qid in ids(pack)}), encoding="utf-8")
    lines = [*confirm.get("lines", []), "", "5", "q"]
    code, p = run(pack, path, lines, territory=None, role=None, yes=confirm.get("yes", False))
    assert code == 0
    assert [v.question.id for v in p.questions] == ["L1.Q2", "L1.Q5", "L1.Q6"]
    assert [v.answer.value if v.answer else None for v in p.questions] == [3, 3, 3]
    assert saved(path, pack)["L1.Q5"] == 5 and saved(path, pack)["L1.Q2"] == 3


@pytest.mark.parametrize(
    "text",
    [
        "cooplevier: answers/1\nterritory: [oops\n",
        "cooplevier: answers/1\nterritory: T\nanswers:\n  L1.Q2: 3\n  L1.Q2: 4\n",
        "\x00",
    ],
    ids=["syntax", "duplicate", "binary"],
)
def test_an_invalid_file_is_reported_and_never_overwritten(pack: Pack, tmp_path: Path, text: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    code, p = run(pack, path, ["3"])
    assert code == 1
    assert path.read_text(encoding="utf-8") == text
    assert p.warnings[0].startswith(f"{path}:")
    assert "n'a pas été modifié" in p.warnings[1]
    assert not p.questions


def test_an_empty_file_becomes_the_answer_file(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("\n", encoding="utf-8")
    code, _ = run(pack, path, ["2", "q"])
    assert code == 0 and saved(path, pack) == {"L1.Q2": 2}


# --- a full disk ---------------------------------------------------------------------------


def test_a_failed_save_is_retried_and_loses_nothing(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.yaml"
    failures = iter([False, True, False])  # the initial save works, the first answer's does not

    def flaky(target: Path, data: str, *, force: bool = False) -> None:
        if next(failures, False):
            raise CooplevierError("écriture impossible (No space left on device)", file=target)
        atomic_write(target, data, force=force)

    monkeypatch.setattr("cooplevier.assess.store.atomic_write", flaky)
    code, p = run(pack, path, ["4", "", "q"])
    assert code == 0
    assert saved(path, pack) == {"L1.Q2": 4}
    assert any("No space left" in w for w in p.warnings)


def test_a_save_given_up_prints_the_answers(pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.yaml"

    def full(target: Path, data: str, *, force: bool = False) -> None:
        raise CooplevierError("écriture impossible (No space left on device)", file=target)

    monkeypatch.setattr("cooplevier.assess.store.atomic_write", full)
    code, p = run(pack, path, ["q"])
    assert code == 1
    assert any(w.startswith("cooplevier: answers/1") for w in p.warnings)
    assert not path.exists()
