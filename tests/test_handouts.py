"""Workshop handouts: everything in the content pack reaches them, in HTML and Markdown."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cooplevier.content.model import Pack
from cooplevier.report.forms import blank_answers
from cooplevier.report.handouts import render_handout
from cooplevier.report.templating import md_escape
from tests.helpers import all_answers, group


def _text(pack: Pack, kind: str, fmt: str, **kw: Any) -> str:
    out = render_handout(kind, pack, fmt=fmt, **kw)  # type: ignore[arg-type]
    assert isinstance(out, str)
    return html.unescape(out) if fmt == "html" else out


def _shown(text: str, fmt: str) -> str:
    return md_escape(text) if fmt == "md" else " ".join(text.split())


def _norm(doc: str) -> str:
    return " ".join(doc.split())


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_cards_carry_every_lever_practice_case_and_vigilance(pack: Pack, fmt: str) -> None:
    doc = _norm(_text(pack, "cards", fmt))
    for lever in pack.levers:
        assert _shown(lever.title, fmt) in doc, lever.id
        assert _shown(pack.axis(lever.axis).title, fmt) in doc
        for item in (*lever.rationale, *lever.practices, *lever.vigilance, *lever.discussion):
            assert _shown(item.text, fmt) in doc, (lever.id, item.text)
        for case in pack.cases_for(lever.id):
            assert _shown(case.name, fmt) in doc
            assert _shown(case.summary.text, fmt) in doc
    for case in pack.cases:
        assert _shown(case.name, fmt) in doc


def test_cards_give_one_page_section_per_lever(pack: Pack) -> None:
    doc = _text(pack, "cards", "html")
    cards = re.findall(r'<section class="page card (?:airy|normal|dense|tight)" id="(L\d+)"', doc)
    assert cards == [lever.id for lever in pack.levers]


def test_the_decks_sheets_follow_the_card_of_their_table(pack: Pack) -> None:
    doc = _text(pack, "cards", "html")
    order = re.findall(r'<section class="page (?:card[^"]*|glossary)" id="([^"]+)"', doc)
    assert order[order.index("L2") + 1] == "fiche-impulsion"
    assert order[order.index("L3") + 1] == "fiche-conseil-de-developpement"
    assert order[order.index("L4") + 1] == "fiche-grandes-intercommunalites"
    assert order[order.index("L6") + 1] == "fiche-grands-programmes"
    assert order[-1] == "glossaire"
    kinds = pack.framework.council_kinds
    assert kinds is not None
    for kind in kinds.kinds:  # the two roles of the conseil de développement, side by side
        assert _norm(kind.title) in _norm(doc)
        for item in kind.items:
            assert _norm(item.text) in _norm(doc)
    for specific in pack.framework.specifics:
        for item in specific.items:
            assert _norm(item.text) in _norm(doc), item.text
    for note in pack.axis("impulsion").notes:
        for item in note.items:
            assert _norm(item.text) in _norm(doc)
    for entry in pack.framework.glossary:
        assert _norm(entry.definition.text) in _norm(doc)
    for study in pack.meta.source.studies:
        assert _norm(study.text) in _norm(doc)
    one = _text(pack, "cards", "html", lever_id="L3")
    assert re.findall(r'<section class="page ([^"]+)" id="([^"]+)"', one) == [
        ("card tight", "L3"),
        ("card sheet normal", "fiche-conseil-de-developpement"),
    ]


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_lever_filter_keeps_one_card(pack: Pack, fmt: str) -> None:
    lever = pack.levers[2]
    other = pack.levers[0]
    doc = _norm(_text(pack, "cards", fmt, lever_id=lever.id))
    assert _shown(lever.title, fmt) in doc
    assert _shown(other.title, fmt) not in doc


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_questionnaire_carries_every_question_and_choice(pack: Pack, fmt: str) -> None:
    doc = _norm(_text(pack, "questionnaire", fmt))
    for q in pack.questions:
        assert _shown(q.id, fmt) in doc
        assert _shown(q.text, fmt) in doc
        for choice in q.choices:
            assert _shown(choice.label, fmt) in doc, (q.id, choice.level)
    for axis in pack.axes:
        assert _shown(axis.title, fmt) in doc
    for step in pack.staircase:  # the names of the steps above the choices would give the best answer away
        assert _shown(step.label.text, fmt) not in doc
    for word in ("non concerné", "je ne sais pas", "Territoire", "technicien", "société civile", "partenaire"):
        assert word in doc
    assert "cooplevier assess" in doc and "questions --blank" in doc
    for kind in pack.structures:  # the general form defines « votre structure » for every type
        assert _norm(kind.structure.text) in doc and _norm(kind.territory.text) in doc
    assert "Glossaire et sources" in doc


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("structure", ["epci", "petr", "scot", "pnr", "autre"])
def test_questionnaire_for_one_structure_type(pack: Pack, fmt: str, structure: str) -> None:
    doc = _norm(_text(pack, "questionnaire", fmt, structure=structure))
    kind = pack.structure_type(structure)  # type: ignore[arg-type]
    assert kind is not None
    assert _norm(kind.structure.text) in doc and _norm(kind.territory.text) in doc  # defined at the start
    assert doc.index(_norm(kind.structure.text)) < doc.index(pack.form(structure)[0].id)  # type: ignore[arg-type]
    asked = pack.form(structure)  # type: ignore[arg-type]
    for q in asked:
        assert _shown(q.text, fmt) in doc, q.id
    for q in pack.questions:
        if structure not in q.applies_to:
            assert f"{q.id}" not in doc.replace(f"{q.id}.", ""), q.id
    others = [s for s in pack.structures if s.id != structure]
    assert all(_norm(s.structure.text) not in doc for s in others)
    assert f"{len(asked)} questions" in doc


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_short_questionnaire_has_one_question_per_lever_and_says_it_is_coarser(pack: Pack, fmt: str) -> None:
    doc = _norm(_text(pack, "questionnaire", fmt, form="short"))
    short = pack.form(None, "short")
    assert len(short) == len(pack.levers)
    for q in short:
        assert _shown(q.text, fmt) in doc
    assert "10 questions" in doc and "plus grossière" in doc
    assert "--short" in doc


def test_questionnaire_questions_are_never_split(pack: Pack) -> None:
    doc = _text(pack, "questionnaire", "html")
    assert doc.count('<div class="question"') == len(pack.questions)
    assert "break-inside: avoid" in doc


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_guide_has_agenda_materials_and_deck_quotes(pack: Pack, fmt: str) -> None:
    doc = _norm(_text(pack, "guide", fmt))
    for step in ("Accueil", "Questionnaire individuel", "Pause", "Synthèse projetée", "Clôture"):
        assert step in doc
    assert "report reponses/" in doc
    assert "bien préparé et bien animé" in doc
    assert "document Mairie-conseils" in doc
    for lever in pack.levers:
        assert _shown(lever.title, fmt) in doc
    for step in pack.staircase:
        assert _shown(step.label.text, fmt) in doc


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_poster_shows_group_and_divergent_levers(pack: Pack, fmt: str, write_answers: Callable[..., Path]) -> None:
    low = all_answers(pack, 1)
    high = all_answers(pack, 4)
    diverging = pack.levers[4]
    a = write_answers({**low, **{q.id: 2 for q in pack.questions if q.lever != diverging.id}}, name="a.yaml")
    b = write_answers(
        {**high, **{q.id: 2 for q in pack.questions if q.lever != diverging.id}}, name="b.yaml", role="technicien"
    )
    doc = _norm(_text(pack, "poster", fmt, synthesis=group(pack, [a, b])))
    # a synthesis never masked (K = 1) is the facilitator's working copy, said before anything else
    assert doc.index("Copie de travail") < doc.index("personnes ont répondu")
    assert "2 personnes ont répondu" in doc
    assert _shown(diverging.short_title, fmt) in doc
    assert "divergent" in doc
    if fmt == "html":
        assert "<svg" in doc
        assert doc.count("◆") >= 2  # marked in the table and listed


def test_handout_cli_writes_file_and_refuses_overwrite(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "cartes.html"
    first = cli("handout", "cards", "--output", str(out))
    assert first.exit_code == 0, first.stderr
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    again = cli("handout", "cards", "--output", str(out))
    assert again.exit_code == 2
    assert "--force" in again.stderr
    forced = cli("handout", "cards", "--lever", "l3", "--output", str(out), "--force")
    assert forced.exit_code == 0
    assert out.read_text("utf-8").count('id="L') == 1  # the L3 card (and the sheet that goes with it)


def test_handout_cli_stdout_markdown_and_errors(cli: Any) -> None:
    result = cli("handout", "questionnaire", "--format", "md")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Questionnaire")
    bad = cli("handout", "cards", "--lever", "L99")
    assert bad.exit_code == 2 and "L99" in bad.stderr
    poster = cli("handout", "poster")
    assert poster.exit_code == 2 and "réponses" in poster.stderr
    usage = cli("handout", "leaflet")
    assert usage.exit_code == 2


def test_poster_reports_bad_answer_files(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cooplevier: answers/1\nterritory: X\nanswers:\n  L1.Q2: 9\n", encoding="utf-8")
    result = cli("handout", "poster", str(bad))
    assert result.exit_code == 1
    assert "bad.yaml:4" in result.stderr
    assert "Traceback" not in result.stderr


def test_pdf_without_engine_explains_how(cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import cooplevier.report.pdf as pdf

    monkeypatch.setattr(pdf, "pdf_engine", lambda: None)
    result = cli("handout", "cards", "--format", "pdf", "--output", str(tmp_path / "c.pdf"))
    assert result.exit_code == 1
    assert "navigateur" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "c.pdf").exists()


# ---------------------------------------------------------------- questions --blank


def test_blank_answer_file_lists_every_question(pack: Pack, cli: Any) -> None:
    result = cli("questions", "--blank")
    assert result.exit_code == 0
    text = result.stdout
    assert text == blank_answers(pack)
    data = yaml.safe_load(text)
    assert data["cooplevier"] == "answers/1"
    assert data["territory"] == ""
    for q in pack.questions:
        assert f"\n  {q.id}:\n" in text
        assert " ".join(q.text.split()) in text
        for choice in q.choices:
            assert f"{choice.level} = {' '.join(choice.label.split())}" in text


def test_blank_unfilled_is_refused_clearly_filled_is_valid(pack: Pack, cli: Any, tmp_path: Path) -> None:
    blank = blank_answers(pack)
    unfilled = tmp_path / "vierge.yaml"
    unfilled.write_text(blank, encoding="utf-8")
    result = cli("validate", str(unfilled))
    assert result.exit_code == 1
    assert f"{unfilled}:" in result.stderr and "vide" in result.stderr

    values = ["3", "na", "unknown", "5", "1"]
    filled_text = blank.replace('territory: ""', 'territory: "Pays de Figeac"').replace(
        "  role:          #", "  role: elu     #"
    )
    for i, q in enumerate(pack.questions):
        filled_text = filled_text.replace(f"\n  {q.id}:\n", f"\n  {q.id}: {values[i % len(values)]}\n")
    filled = tmp_path / "rempli.yaml"
    filled.write_text(filled_text, encoding="utf-8")
    ok = cli("validate", str(filled))
    assert ok.exit_code == 0, ok.stderr
    assert f"{len(pack.questions)}/{len(pack.questions)}" in ok.stdout


def test_blank_refuses_another_format(cli: Any) -> None:
    result = cli("questions", "--blank", "--format", "json")
    assert result.exit_code == 2


def test_blank_partly_filled_counts_empty_questions_as_unanswered(pack: Pack, cli: Any, tmp_path: Path) -> None:
    text = blank_answers(pack).replace('territory: ""', 'territory: "Pays de Figeac"')
    first, second = pack.questions[0].id, pack.questions[1].id
    text = text.replace(f"\n  {first}:\n", f"\n  {first}: 4\n").replace(f"\n  {second}:\n", f"\n  {second}: na\n")
    path = tmp_path / "partiel.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("validate", str(path))
    assert result.exit_code == 0, result.stderr
    assert f"2/{len(pack.questions)}" in result.stdout


def test_poster_with_a_bad_file_shows_the_valid_ones_and_exits_1(pack: Pack, cli: Any, tmp_path: Path) -> None:
    from tests.helpers import all_answers, answers_yaml

    (tmp_path / "a.yaml").write_text(answers_yaml(all_answers(pack, 2)), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(answers_yaml(all_answers(pack, 4), role="technicien"), encoding="utf-8")
    (tmp_path / "c.yaml").write_text(
        "cooplevier: answers/1\nterritory: X\nanswers:\n  L1.Q2: 3\n  L1.Q2: 4\n", encoding="utf-8"
    )
    result = cli("handout", "poster", str(tmp_path), "--format", "md")
    assert result.exit_code == 1
    assert "c.yaml:5:" in result.stderr and "1 fichier refusé" in result.stderr
    assert "2 personnes ont répondu" in result.stdout


def test_structure_and_short_are_for_the_questionnaire_and_the_guide(cli: Any) -> None:
    assert cli("handout", "questionnaire", "--structure", "pnr", "--format", "md").exit_code == 0
    guide = cli("handout", "guide", "--short", "--format", "md")
    assert guide.exit_code == 0 and "--short" in guide.stdout and "10 questions" in guide.stdout
    cards = cli("handout", "cards", "--structure", "pnr", "--format", "md")
    plain = cli("handout", "cards", "--format", "md")
    assert cards.exit_code == 0 and "ne changent rien aux cartes" in cards.stderr and cards.stdout == plain.stdout
    refused = cli("handout", "poster", "x.yaml", "--structure", "pnr")
    assert refused.exit_code == 2 and "questionnaire" in refused.stderr


@pytest.mark.parametrize("kind", ["guide", "cards", "questionnaire"])
def test_commands_in_markdown_handouts_keep_their_spaces(pack: Pack, kind: str) -> None:
    text = render_handout(kind, pack, fmt="md")
    assert isinstance(text, str)
    parts = text.split("`")
    glued = []
    for i in range(1, len(parts) - 1, 2):  # parts[i] is a code span between parts[i-1] and parts[i+1]
        before, after = parts[i - 1], parts[i + 1]
        if before and not before[-1].isspace() and before[-1] not in "(«[\u00a0\u202f":
            glued.append(f"…{before[-12:]}`{parts[i]}`")
        if after and not after[0].isspace() and after[0] not in ").,;:»]\u00a0\u202f":
            glued.append(f"`{parts[i]}`{after[:12]}…")
    assert glued == []
