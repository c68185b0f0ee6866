"""The group poster is pinned up in the room: it follows the anonymity rule of `report`.

By default it is built from the masked synthesis (`scoring.circulate.mask`, K = `--min-group`, the
workshop folder's own K, else 3): no lowest or highest answer, no figure for a group below K.
`--min-group 1` is the facilitator's working copy, and says so at its top.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cooplevier.atelier import state as atelier_state
from cooplevier.content.model import Pack
from cooplevier.messages import role_group
from cooplevier.numbers import decimal
from cooplevier.scoring.circulate import mask
from cooplevier.scoring.synthesis import Synthesis
from tests.helpers import group
from tests.test_cli_shell import run

LONE = "partenaire"  # one person, who gives every question a 5: the room's extreme
DIVERGING = "L5"  # élus and techniciens see it apart
COMMENT = "Les petites communes ne sont pas écoutées"


def write_room(folder: Path, pack: Pack, *, elus: int = 4, techniciens: int = 4) -> Path:
    """Élus between 3 and 4, techniciens between 2 and 3 (5 and 1 on L5), one partner at 5 everywhere;
    no role says the same on any question, so a role of K people has a figure."""
    folder.mkdir(parents=True, exist_ok=True)
    roles = ["elu"] * elus + ["technicien"] * techniciens + [LONE]
    first = pack.questions_for(DIVERGING)[0].id
    for i, role in enumerate(roles):
        answers: dict[str, Any] = {}
        for j, q in enumerate(pack.questions):
            wobble = (i + j) % 2
            if role == LONE:
                answers[q.id] = 5
            elif q.lever == DIVERGING:
                answers[q.id] = 5 - wobble if role == "elu" else 1 + wobble
            else:
                answers[q.id] = (3 if role == "elu" else 2) + wobble
        if role == "technicien":
            answers[first] = {"level": answers[first], "comment": f"{COMMENT} ({i})"}
        doc = {"cooplevier": "answers/1", "territory": "Pays de Test", "respondent": {"role": role}, "answers": answers}
        (folder / f"p{i:02}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return folder


def workshop_k(folder: Path, k: int) -> None:
    """Make `folder` a workshop folder run with --min-group k (its state file, as `atelier` writes it)."""
    state = folder / atelier_state.STATE_DIR
    state.mkdir(exist_ok=True)
    (state / atelier_state.STATE_FILE).write_text(
        json.dumps({"cooplevier": atelier_state.STATE_FORMAT, "min_group": k}), encoding="utf-8"
    )


def synthesis(folder: Path, pack: Pack) -> Synthesis:
    return group(pack, sorted(folder.glob("*.yaml")))


def poster(cli: Callable[..., Any], folder: Path, fmt: str, *options: str) -> Any:
    result = cli("handout", "poster", str(folder), "--format", fmt, *options)
    assert result.exit_code == 0, result.stderr
    return result


def table_rows(doc: str, fmt: str) -> dict[str, list[str]]:
    """The lever table as printed: lever id -> its number cells (mean, then any other)."""
    rows: dict[str, list[str]] = {}
    if fmt == "html":
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", doc, re.S):
            lever = re.search(r"<td>(L\d+) ", tr)
            if lever:
                rows[lever[1]] = [html.unescape(c).strip() for c in re.findall(r'<td class="n">(.*?)</td>', tr, re.S)]
    else:
        for line in doc.splitlines():
            cells = [c.strip() for c in line.strip("|").split("|")]
            if re.match(r"L\d+ ", cells[0]):
                rows[cells[0].split()[0]] = cells[2:]
    return rows


def divergent_items(doc: str, fmt: str) -> dict[str, str]:
    """The « Leviers où les regards divergent » list: lever id -> the item's text after its name."""
    if fmt == "html":
        return {m[1]: html.unescape(m[2]) for m in re.finditer(r"<li><b>(L\d+) [^<]*</b>(.*?)</li>", doc, re.S)}
    return {m[1]: m[2] for m in re.finditer(r"^- \*\*(L\d+) [^*]*\*\*(.*)$", doc, re.M)}


def plain(text: str) -> str:
    """Text with the typesetter's no-break spaces as plain ones."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def numbers_in(text: str) -> list[str]:
    return re.findall(r"\d+(?:,\d+)?", text)


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_default_poster_prints_only_the_masked_figures(
    cli: Callable[..., Any], pack: Pack, tmp_path: Path, fmt: str
) -> None:
    room = write_room(tmp_path / "room", pack)
    result = poster(cli, room, fmt)
    doc = result.stdout
    masked = mask(synthesis(room, pack), 3)
    working = synthesis(room, pack)
    lone = role_group(LONE)

    # the lone partner: no role figure, no label, none of their answers as a lowest or highest
    assert working.levers["L1"].stats.max == 5 and working.levers["L1"].stats.by_role[LONE] == 5
    assert lone not in doc and "Plus basse" not in doc and "Copie de travail" not in doc
    assert "1 dans des rôles de moins de 3 personnes, laissés hors de tous les chiffres" in " ".join(doc.split())
    rows = table_rows(doc, fmt)
    assert set(rows) == {lv.id for lv in pack.levers}
    for lid, cells in rows.items():
        stats = masked.levers[lid].stats
        assert cells == [decimal(stats.mean), str(stats.n)], lid  # the masked mean and the people counted
        assert decimal(working.levers[lid].stats.max) not in cells  # the partner's 5
    # the divergent lever is named with its flag, and only the masked figures stand beside it
    items = divergent_items(doc, fmt)
    assert list(items) == list(masked.divergent) == [DIVERGING]
    lever = masked.levers[DIVERGING].stats
    assert set(lever.by_role) == {"elu", "technicien"}
    shown = [decimal(lever.mean), *(decimal(m) for m in lever.by_role.values())]
    assert numbers_in(items[DIVERGING]) == shown
    assert "5" not in shown and decimal(working.levers[DIVERGING].stats.mean) not in shown
    if fmt == "html":
        assert 'data-copy="masked"' in doc and 'data-copy="working"' not in doc
    assert "copie de travail" not in result.stderr


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_min_group_one_is_the_facilitators_working_copy_and_says_so(
    cli: Callable[..., Any], pack: Pack, tmp_path: Path, fmt: str
) -> None:
    room = write_room(tmp_path / "room", pack)
    result = poster(cli, room, fmt, "--min-group", "1")
    doc = " ".join(result.stdout.split())
    working = synthesis(room, pack)
    top = doc[: doc.index("personnes ont répondu")]
    assert "Copie de travail" in top and "à ne pas afficher dans la salle ni diffuser" in top
    assert "affiche de travail non masquée" in result.stderr and "ne la diffusez pas" in result.stderr
    assert "Plus basse – plus haute" in doc and f"{role_group(LONE)} 1" in doc
    stats = working.levers["L1"].stats
    assert table_rows(result.stdout, fmt)["L1"] == [decimal(stats.mean), f"{decimal(stats.min)} – 5", str(stats.n)]
    assert f"{role_group(LONE)} 5" in divergent_items(result.stdout, fmt)[DIVERGING]
    if fmt == "html":
        assert 'data-copy="working"' in doc and 'data-copy="masked"' not in doc


def test_a_workshop_folder_gives_the_poster_its_own_k(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    room = write_room(tmp_path / "room", pack, elus=5)
    at_three = " ".join(poster(cli, room, "md").stdout.split())
    assert role_group("technicien") + " 4" in at_three
    workshop_k(room, 5)
    doc = poster(cli, room, "md").stdout
    flat = " ".join(doc.split())
    masked = mask(synthesis(room, pack), 5)
    assert "Élues et élus 5 ; 5 dans des rôles de moins de 5 personnes" in flat
    assert "Aucun chiffre pour un groupe de moins de 5 personnes" in flat
    assert role_group("technicien") not in flat  # 4 people: below the workshop's K, no label, no figure
    for lid, cells in table_rows(doc, "md").items():
        assert cells == [decimal(masked.levers[lid].stats.mean), str(masked.levers[lid].stats.n)], lid
    # the option still wins over the folder's own K
    assert role_group("technicien") + " 4" in " ".join(poster(cli, room, "md", "--min-group", "3").stdout.split())


def test_min_group_is_checked_in_french(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    room = write_room(tmp_path / "room", pack)
    zero = cli("handout", "poster", str(room), "--min-group", "0")
    assert zero.exit_code == 2 and "--min-group 0 : attendu un nombre entier d'au moins 1" in plain(zero.stderr)
    cards = cli("handout", "cards", "--min-group", "3")
    assert cards.exit_code == 2 and "--min-group vaut pour l'affiche du groupe" in plain(cards.stderr)
    for result in (zero, cards):
        assert "Traceback" not in result.stderr and not result.stdout
    word = run("handout", "poster", str(room), "--min-group", "x")  # Click's own error, made French by `run`
    assert word.returncode == 2 and not word.stdout and "Traceback" not in word.stderr
    assert "valeur « x » invalide pour '--min-group' : un nombre entier est attendu" in plain(word.stderr)


def test_a_poster_rendered_from_an_unmasked_synthesis_is_the_working_copy(pack: Pack, tmp_path: Path) -> None:
    """The library renders what it is given: a synthesis never masked (K = 1) says it is not for the wall."""
    from cooplevier.report.handouts import render_handout

    room = write_room(tmp_path / "room", pack)
    doc = render_handout("poster", pack, fmt="md", synthesis=synthesis(room, pack))
    assert isinstance(doc, str) and "Copie de travail" in doc[:300]
