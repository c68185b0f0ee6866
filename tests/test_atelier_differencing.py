"""Views set against each other never give one person's answer or ballot away (issue 22, the
adversarial reading): a questionnaire or a vote closed a second time, a participant erased while
the results are on the screen, a number typed in other digits than 0 to 9."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cooplevier import charset
from cooplevier.atelier import vote as votes
from cooplevier.content.model import Pack
from tests.test_atelier_support import Room, csrf_of, rooms

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def room(tmp_path: Path, pack: Pack) -> Iterator[Callable[..., Room]]:
    yield from rooms(tmp_path, pack)


def _post(r: Room, c, path: str, **data: str):  # type: ignore[no-untyped-def]
    return c.post(f"{r.fac}{path}", data={"csrf": csrf_of(c.get(r.fac).text), **data})


def _l1(r: Room) -> str:
    return next(q.id for q in r.w.registry.questions if q.lever == "L1")


def _phones(r: Room, values: list[int], role: str = "elu") -> list:
    """One phone per value, each answering L1's question (the short form: one question a lever)."""
    made = []
    for value in values:
        c = r.client()
        assert r.join(c, role).status_code == 303
        assert r.answer(c, _l1(r), value).status_code == 303
        made.append(c)
    return made


def _figure(r: Room, c, lever: str = "L1") -> str | None:
    """The group's figure of `lever` on the screen key's presenter view (None: held or hidden)."""
    page = c.get(f"/ecran/{r.w.state.screen_key}/presentation").text
    found = re.search(rf'data-lever="{lever}" data-role="group" data-value="([^"]+)"', page)
    return found.group(1) if found else None


def _totals(r: Room, c) -> dict[str, str]:
    page = c.get(f"/ecran/{r.w.state.screen_key}/presentation").text
    return dict(re.findall(r'data-vote="(P\d)" data-value="(\d+)"', page))


def test_closing_again_after_a_reopening_publishes_no_late_answer_alone(room: Callable[..., Room]) -> None:
    r = room(short=True, revealed=False)
    fac = r.client()
    _phones(r, [2, 3, 4])
    assert _figure(r, fac) is None  # hidden while the questionnaire is open
    _post(r, fac, "/fermeture", action="fermer")  # the close reveals, and publishes everything
    assert _figure(r, fac) == "3"
    _post(r, fac, "/fermeture", action="rouvrir")  # reopening hides again
    _phones(r, [5])
    _post(r, fac, "/fermeture", action="fermer")
    assert _figure(r, fac) == "3"  # 4 x 3.5 - 3 x 3 would be the late one's 5
    _post(r, fac, "/fermeture", action="rouvrir")
    _phones(r, [4, 5])  # with the late one: 3 changes, not all alike, go out together
    _post(r, fac, "/fermeture", action="fermer")
    assert _figure(r, fac) == "3.83"  # (2 + 3 + 4 + 5 + 4 + 5) / 6


def test_an_erased_participant_cannot_be_read_from_the_screen_before_and_after(room: Callable[..., Room]) -> None:
    r = room(short=True)
    fac = r.client()
    phones = _phones(r, [2, 3, 4, 5, 1, 2])
    assert _figure(r, fac) == "2.83"  # 17 / 6
    _post(r, fac, "/fermeture", action="masquer")  # what the erase page advises; it is not enough
    gone = next(p.id for p in r.w.registry if p.answers[_l1(r)].value == 5)
    assert _post(r, fac, "/effacer", participant=gone, confirmer="oui").status_code == 303
    _post(r, fac, "/fermeture", action="montrer")
    assert _figure(r, fac) is None  # not 12 / 5 = 2.4, which would give the erased person's 5
    page = fac.get(f"/ecran/{r.w.state.screen_key}/presentation").text
    assert "après un effacement, les chiffres du rôle concerné restent masqués" in page  # why, said
    published = json.loads((r.folder / ".cooplevier-atelier" / "published.json").read_text(encoding="utf-8"))
    assert gone not in json.dumps(published)  # no copy of them is left, even in what is held
    remaining = [c for i, c in enumerate(phones) if i != 3]
    for c, value in zip(remaining[:2], (4, 4), strict=True):
        r.answer(c, _l1(r), value)
    assert _figure(r, fac) is None  # two changes since the erasure: fewer than K
    r.answer(remaining[2], _l1(r), 5)
    assert _figure(r, fac) == "3.2"  # three changes: (4 + 4 + 5 + 1 + 2) / 5, mixed with the erasure


def _vote(r: Room, fac, budget: str) -> None:
    for i in range(3):
        _post(r, fac, "/vote", action="ajouter", lever=f"L{1 + i}", text=f"Proposition {i}")
    _post(r, fac, "/vote", action="regles", budget=budget)
    _post(r, fac, "/vote", action="ouvrir")
    _post(r, fac, "/vote", action="montrer")


def _ballot(r: Room, phone, **tokens: str):  # type: ignore[no-untyped-def]
    page = phone.get(f"{r.base}/vote").text
    return phone.post(f"{r.base}/vote", data={"csrf": csrf_of(page), **{f"vote-{k}": v for k, v in tokens.items()}})


def test_a_vote_closed_again_publishes_no_late_ballot_alone(room: Callable[..., Room]) -> None:
    r = room(short=True)
    fac = r.client()
    phones = _phones(r, [2, 3, 4, 2])
    _vote(r, fac, "2")
    ballots = ({"P1": "1", "P2": "1"}, {"P2": "1", "P3": "1"}, {"P1": "1", "P3": "1"})
    for phone, ballot in zip(phones[:3], ballots, strict=True):
        assert _ballot(r, phone, **ballot).status_code == 303
    _post(r, fac, "/vote", action="clore")
    assert _totals(r, fac) == {"P1": "2", "P2": "2", "P3": "2"}
    _post(r, fac, "/vote", action="rouvrir")
    assert _ballot(r, phones[3], P3="2").status_code == 303
    _post(r, fac, "/vote", action="clore")
    assert _totals(r, fac) == {"P1": "2", "P2": "2", "P3": "2"}  # not P3 = 4: the late ballot alone


def test_an_erased_voter_leaves_the_screen_at_once_and_the_totals_wait(room: Callable[..., Room]) -> None:
    r = room(short=True)
    fac = r.client()
    phones = _phones(r, [2, 3, 4, 2, 3, 4])
    _vote(r, fac, "1")
    for phone, choice in zip(phones[:3], ("P1", "P2", "P1"), strict=True):
        _ballot(r, phone, **{choice: "1"})
    assert _totals(r, fac) == {"P1": "2", "P2": "1", "P3": "0"}
    gone = next(p.id for p in r.w.registry if votes.live_vote(r.folder).ballots.get(p.id) == {"P2": 1})
    assert _post(r, fac, "/effacer", participant=gone, confirmer="oui").status_code == 303
    page = fac.get(f"/ecran/{r.w.state.screen_key}/presentation").text
    assert _totals(r, fac) == {} and "Après un effacement" in page  # not P2 = 0: their ballot
    screen = (r.folder / ".cooplevier-atelier" / "vote-screen.json").read_text(encoding="utf-8")
    assert gone not in screen
    for phone in phones[3:5]:
        _ballot(r, phone, P3="1")
    assert _totals(r, fac) == {}  # two ballots since: fewer than K
    _ballot(r, phones[5], P2="1")
    assert _totals(r, fac) == {"P1": "2", "P2": "1", "P3": "2"}


@pytest.mark.parametrize("typed", ["²", "３", "٣", "1²", "9" * 4301])
def test_a_number_in_other_digits_is_refused_in_french_on_every_form(room: Callable[..., Room], typed: str) -> None:
    r = room(short=True)
    fac = r.client()
    phones = _phones(r, [2, 3, 4])
    _vote(r, fac, "2")
    refused = _ballot(r, phones[0], P1=typed)
    assert refused.status_code == 422 and "pas un nombre entier" in refused.text
    for path, data in (
        ("/minuteur", {"action": "demarrer", "minutes": typed}),
        ("/vote", {"action": "regles", "budget": typed}),
    ):
        answer = _post(r, fac, path, **data)
        assert answer.status_code in (409, 422) and "Internal" not in answer.text, path


def test_numbers_are_read_from_the_digits_0_to_9_only() -> None:
    assert charset.is_digits("12") and not charset.is_digits("") and not charset.is_digits("-1")
    assert not any(charset.is_digits(text) for text in ("²", "３", "٣", "1²", "½", "9" * 19, "9" * 4301))
    assert charset.is_digits("9" * 18)
    # the class: nowhere in the code does `str.isdigit` decide that `int` may read a text
    offenders = [
        f"{path.relative_to(ROOT)}:{i}"
        for path in sorted((ROOT / "src" / "cooplevier").rglob("*.py"))
        if path.name != "charset.py"
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".isdigit()" in line and "[0].isdigit()" not in line  # templating: a Markdown list's first character
    ]
    assert offenders == []


def test_an_erasure_cut_short_leaves_nothing_on_the_screens_copies_and_can_be_done_again(
    room: Callable[..., Room], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cooplevier.atelier.facilitation import archive

    r = room(short=True)
    fac = r.client()
    phones = _phones(r, [2, 3, 4, 5])
    _vote(r, fac, "1")
    _ballot(r, phones[3], P2="1")
    assert _figure(r, fac) == "3.5"
    gone = next(p.id for p in r.w.registry if p.answers[_l1(r)].value == 5)

    def full_disk(folder: Path, pid: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive, "_remove_files", full_disk)  # the server dies before the files go
    with pytest.raises(OSError):
        import asyncio

        asyncio.run(archive.erase_participant(r.w, gone))
    state = r.folder / ".cooplevier-atelier"
    for path in state.glob("*.json"):
        assert gone not in path.read_text(encoding="utf-8"), path.name  # the copies went first
    assert not (state / "ballots" / f"{gone}.json").exists()
    assert r.w.registry.get(gone) is not None  # still listed: the facilitator can erase them again
    monkeypatch.undo()
    assert _post(r, fac, "/effacer", participant=gone, confirmer="oui").status_code == 303
    assert not list(r.folder.glob(f"*{gone}*")) and r.w.registry.get(gone) is None
    assert _figure(r, fac) is None  # held, as after an erasure done in one go


def test_an_erasure_holds_nothing_that_was_never_on_a_screen(room: Callable[..., Room]) -> None:
    r = room(short=True, revealed=False)
    fac = r.client()
    phones = _phones(r, [2, 3, 4, 5])
    for i in range(3):
        _post(r, fac, "/vote", action="ajouter", lever=f"L{1 + i}", text=f"Proposition {i}")
    _post(r, fac, "/vote", action="ouvrir")
    for phone, choice in zip(phones, ("P1", "P1", "P2", "P3"), strict=True):
        _ballot(r, phone, **{choice: "1"})
    fac.get(f"{r.fac}/presentation")  # a glance at the presenter view, results hidden
    _post(r, fac, "/vote", action="clore")
    gone = next(p.id for p in r.w.registry if p.answers[_l1(r)].value == 5)
    _post(r, fac, "/effacer", participant=gone, confirmer="oui")
    _post(r, fac, "/vote", action="montrer")
    _post(r, fac, "/fermeture", action="fermer")  # closes and reveals
    assert _totals(r, fac) == {"P1": "2", "P2": "1", "P3": "0"}  # nothing seen before: nothing held
    assert _figure(r, fac) == "3"


def test_a_damaged_published_copy_counts_as_seen(room: Callable[..., Room]) -> None:
    from cooplevier.atelier.state import load_published

    r = room(short=True)
    _phones(r, [2, 3, 4])
    r.close()
    path = r.folder / ".cooplevier-atelier" / "published.json"
    path.write_text("{not json", encoding="utf-8")
    assert load_published(r.folder).seen  # it may have been on a screen: no publishing all at once
    path.unlink()
    assert not load_published(r.folder).seen


def test_the_lock_of_an_answer_file_erased_by_a_killed_server_is_swept(room: Callable[..., Room]) -> None:
    r = room(short=True)
    _phones(r, [3])
    r.close()
    orphan = r.folder / ".reponses-0123456789abcdef.yaml.lock"
    orphan.write_text("", encoding="utf-8")
    kept = r.folder / f".{next(r.folder.glob('reponses-*.yaml')).name}.lock"
    kept.write_text("", encoding="utf-8")
    again = room(hold=True, short=True)  # a server's start: it holds the folder, then sweeps
    assert not orphan.exists() and kept.exists()  # the lock of a file that is there stays
    again.w.release()


def test_the_synthesis_to_circulate_is_the_reports_and_the_working_copy_is_not(
    room: Callable[..., Room], pack: Pack
) -> None:
    from tests.helpers import invoke

    r = room()
    for role, values in (("elu", [2, 3, 4]), ("technicien", [3, 4, 5]), ("partenaire", [1])):
        for value in values:
            c = r.client()
            r.join(c, role, name=f"Nom-{role}-{value}")
            for q in pack.form()[:12]:
                r.answer(c, q.id, value)
    fac = r.client()
    dash = fac.get(r.fac).text
    assert "synthese-a-diffuser.html" in dash and "Synthèse de travail" in dash
    circulated = fac.get(f"{r.fac}/telecharger/synthese-a-diffuser.md")
    assert circulated.status_code == 200
    report = invoke("report", str(r.folder), "--format", "md")
    assert report.exit_code == 0

    def words(md: str) -> list[str]:  # the wheel's picture is embedded one way or the other
        return [line for line in md.splitlines() if line and not line.startswith("![")]

    assert words(circulated.text) == words(report.stdout)  # the same document as `cooplevier report DIR`
    working = fac.get(f"{r.fac}/telecharger/synthese.md").text
    assert "Partenaires" in working and "Partenaires" not in circulated.text.split("## ")[2]
    for fmt in ("html", "docx", "odt"):
        assert fac.get(f"{r.fac}/telecharger/synthese-a-diffuser.{fmt}").status_code == 200, fmt
    assert fac.get(f"/ecran/{r.w.state.screen_key}/telecharger/synthese-a-diffuser.md").status_code == 404


def test_a_view_while_an_erasure_writes_never_publishes_the_erased_answers_again(
    room: Callable[..., Room], monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from cooplevier.atelier.facilitation import archive

    r = room(short=True)
    fac = r.client()
    _phones(r, [2, 3, 4, 5])
    assert _figure(r, fac) == "3.5"
    gone = next(p.id for p in r.w.registry if p.answers[_l1(r)].value == 5)
    removing = archive._remove_files

    def slow_disk(folder: Path, pid: str) -> None:
        from cooplevier.content.answers import Answer

        for p in [p for p in r.w.registry if p.id != pid][:2]:  # two others change their answer meanwhile
            p.answers[_l1(r)] = Answer(1)
        r.w.registry.version += 1
        r.w.projection()  # the screen refreshes while the files go: two changes, and not the erased one
        removing(folder, pid)

    monkeypatch.setattr(archive, "_remove_files", slow_disk)

    async def twice() -> list[bool]:  # and a second click on « effacer » meanwhile
        return list(await asyncio.gather(archive.erase_participant(r.w, gone), archive.erase_participant(r.w, gone)))

    assert sorted(asyncio.run(twice())) == [False, True]
    assert gone not in r.w.published.values and not list(r.folder.glob(f"*{gone}*"))
    assert _figure(r, fac) is None  # held: two changes since the erasure, fewer than K
