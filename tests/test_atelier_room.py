"""Running the room (issue 22, items 2, 5, 6, 7): pacing and the countdown, the network help, the
phone workshop in the guide, the participants' data (RGPD), erasing one person, the archive."""

from __future__ import annotations

import io
import json
import re
import socket
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cooplevier.atelier import server
from cooplevier.atelier.facilitation import network
from cooplevier.atelier.facilitation.pacing import MIN_PACED, STALL_MINUTES, fit, load_timer, progress
from cooplevier.atelier.participants import Participant
from cooplevier.content.answers import Answer
from cooplevier.content.model import Pack
from cooplevier.content.reading import reading_load
from tests.helpers import invoke
from tests.test_atelier_support import Room, csrf_of, rooms


@pytest.fixture()
def room(tmp_path: Path, pack: Pack) -> Iterator[Callable[..., Room]]:
    yield from rooms(tmp_path, pack)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _plain(html: str) -> str:
    """A page's words as read: entities decoded, no-break spaces and typeset apostrophes made plain."""
    import html as entities

    return entities.unescape(_text(html)).replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")


def _section(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start : html.index("</section>", start)]


# -- pacing ---------------------------------------------------------------------------------------
NOW = 1_800_000_000.0


def _person(
    pid: str, role: str, answered: int, questions: list[str], *, since: float, pace: float = 30.0
) -> Participant:
    """Someone who answered the first `answered` questions, one every `pace` seconds, `since` seconds ago."""
    person = Participant(pid, role, "Nom Secret", "2026-12-07T09:00:00+00:00")  # type: ignore[arg-type]
    person.answers = {qid: Answer(3) for qid in questions[:answered]}
    person.first = NOW - since - pace * max(0, answered - 1)
    person.moved = NOW - since
    return person


def test_progress_by_role_without_names_median_finished_and_stalled(room: Callable[..., Room]) -> None:
    r = room()
    reg = r.w.registry
    qids = [q.id for q in reg.questions]
    total = len(qids)
    people = [
        _person("a" * 16, "elu", 4, qids, since=10),
        _person("b" * 16, "elu", 10, qids, since=20),
        _person("c" * 16, "elu", 2, qids, since=STALL_MINUTES * 60 + 1),  # not moved for 5 minutes
        _person("d" * 16, "technicien", total, qids, since=5),
    ]
    for p in people:
        p.position = reg.index[("question", qids[len(p.answers)])] if len(p.answers) < total else len(reg.steps)
    people[3].finished = True
    pacing = progress(people, reg.steps, reg.questions, now=NOW)
    rows = {row.role: row for row in pacing.rows}
    assert (rows["elu"].people, rows["elu"].median, rows["elu"].finished, rows["elu"].stalled) == (3, 5, 0, 1)
    assert (rows["technicien"].median, rows["technicien"].finished) == (total, 1)
    assert pacing.everyone.people == 4 and pacing.everyone.stalled == 1
    # a, b and d have a measured pace of 30 s a question: the room's pace replaces the reading load
    assert pacing.measured and pacing.pace == pytest.approx(30.0)
    # those still answering and moving: a (total-4 left) and b (total-10): 3 in 4 of them -> a's time
    assert pacing.left == -(-(total - 4) * 30 // 60)


def test_before_the_room_has_a_pace_the_time_left_is_the_reading_load(room: Callable[..., Room]) -> None:
    r = room()
    reg = r.w.registry
    qids = [q.id for q in reg.questions]
    people = [_person(f"{i:016x}", "elu", 1, qids, since=0) for i in range(MIN_PACED)]  # one answer each
    pacing = progress(people, reg.steps, reg.questions, now=NOW)
    assert not pacing.measured and pacing.pace is None
    assert pacing.left == reading_load([q for q in reg.questions if q.id != qids[0]]).minutes
    assert pacing.load == reading_load(reg.questions).minutes


def test_the_dashboard_shows_pacing_without_any_name(room: Callable[..., Room]) -> None:
    r = room()
    phone = r.client()
    r.join(phone, "elu", "Zoé Confidentielle")
    qids = [q.id for q in r.w.registry.questions]
    for qid in qids[:3]:
        assert r.answer(phone, qid, 4).status_code == 303
    for path in (r.fac, r.fac + "/tableau"):  # the page and its live fragment
        html = r.client().get(path).text
        pace = _section(html, 'id="pace-title"')
        assert "Zoé" not in pace and "Élues et élus" in pace
        assert "4 / " + str(len(qids)) in _text(pace) and "Sans activité depuis 5 min" in _text(pace)
        assert "Temps restant estimé" in _text(pace)


def test_minutes_too_short_is_said_on_the_dashboard_with_the_short_form(room: Callable[..., Room]) -> None:
    r = room()
    questions = r.w.registry.questions
    load, short = reading_load(questions).minutes, reading_load(r.pack.form(None, "short")).minutes
    r.w.timer.minutes = load - 1
    html = _text(r.client().get(r.fac).text)
    assert f"environ {load} minutes, plus que les {load - 1} prévues" in html and "--short" in html
    assert f"court en demande environ {short} : relancez avec --short" in html
    r.w.timer.minutes = load
    assert "il tient dans" in _text(r.client().get(r.fac).text)
    found = fit(load, questions, None)
    assert found is not None and found.fits and found.short is None


# -- the countdown --------------------------------------------------------------------------------
def test_the_countdown_starts_shows_on_phones_survives_a_restart_and_stops(
    room: Callable[..., Room], pack: Pack
) -> None:
    r = room()
    fac, phone = r.client(), r.client()
    r.join(phone)
    csrf = csrf_of(fac.get(r.fac).text)
    assert fac.post(r.fac + "/minuteur", data={"action": "demarrer", "minutes": "12"}).status_code == 403
    screen = f"/ecran/{r.w.state.screen_key}/minuteur"
    assert fac.post(screen, data={"csrf": csrf, "action": "demarrer", "minutes": "12"}).status_code in (404, 405)
    assert fac.post(r.fac + "/minuteur", data={"csrf": csrf, "action": "demarrer", "minutes": "0"}).status_code == 422
    started = fac.post(r.fac + "/minuteur", data={"csrf": csrf, "action": "demarrer", "minutes": "12"})
    assert started.status_code == 303
    page = phone.get(r.base, follow_redirects=True).text
    shown = re.search(r'data-countdown="(\d+)"', page)
    assert shown and 700 <= int(shown.group(1)) <= 720 and "<span data-minutes>12</span> min" in page
    assert "countdown.js" in page and phone.get(f"{r.base}/static/countdown.js").status_code == 200
    assert "Reste" in _text(fac.get(r.fac).text)
    # a restart on the same folder keeps it
    r.w.release()
    again = Room(r.folder, pack)
    assert again.w.timer.ends == r.w.timer.ends and load_timer(r.folder).length == 12
    fac2 = again.client()
    csrf2 = csrf_of(fac2.get(again.fac).text)
    assert fac2.post(again.fac + "/minuteur", data={"csrf": csrf2, "action": "arreter"}).status_code == 303
    phone2 = again.client()
    again.join(phone2)
    assert "data-countdown" not in phone2.get(again.base, follow_redirects=True).text
    assert load_timer(r.folder).ends is None
    again.close()


# -- the network ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("ssid", "password", "expected"),
    [
        ("Salle des fêtes", "motdepasse", "WIFI:T:WPA;S:Salle des fêtes;P:motdepasse;;"),
        ('a;b,c:d\\e"f', 'p;w,d:x\\y"z', 'WIFI:T:WPA;S:a\\;b\\,c\\:d\\\\e\\"f;P:p\\;w\\,d\\:x\\\\y\\"z;;'),
        ("Mairie-invités", "", "WIFI:T:nopass;S:Mairie-invités;;"),
    ],
)
def test_the_wifi_qr_text_escapes_its_special_characters(ssid: str, password: str, expected: str) -> None:
    assert network.wifi_payload(ssid, password) == expected


def test_the_reachability_check_on_the_loopback_only() -> None:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen(1)
        port = listening.getsockname()[1]
        assert network.answers("127.0.0.1", port)
    assert not network.answers("127.0.0.1", port)  # closed now: nothing answers there


def test_wifi_asks_the_password_hidden_and_prints_both_qr_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def serve(app: Any, listening: server.Listening) -> None:
        from starlette.testclient import TestClient

        with TestClient(app) as client:
            facilitator = next(r.path for r in app.app.routes if r.path.endswith("/affiche"))
            key = seen["key"] = json.loads((tmp_path / "a" / ".cooplevier-atelier" / "state.json").read_text())["key"]
            seen["poster"] = client.get(facilitator.replace("{key}", key)).text
        listening.sock.close()

    monkeypatch.setattr(server, "serve", serve)
    password = "Secret;Wifi:42"
    result = invoke("atelier", str(tmp_path / "a"), "--port", "0", "--wifi", "Salle B", input=password + "\n")
    assert result.exit_code == 0, result.stderr
    assert password not in result.stdout and password not in result.stderr  # hidden input, never echoed
    assert "Wi-Fi « Salle B »" in result.stdout.replace("\u00a0", " ")
    from cooplevier.atelier.views import qr_text

    assert qr_text(network.wifi_payload("Salle B", password)) in result.stdout  # beside the join QR code
    link = re.search(r"http://\S+/a/\S+", result.stdout)
    assert link and qr_text(link.group(0)) in result.stdout
    for path in (tmp_path / "a").rglob("*"):  # never on disk
        assert not path.is_file() or password.encode() not in path.read_bytes()
    poster = seen["poster"]
    assert poster.count("<svg") == 2 and "Salle B" in poster and "Se connecter au Wi-Fi" in poster


def test_a_wifi_password_too_short_is_refused_in_french(tmp_path: Path) -> None:
    result = invoke("atelier", str(tmp_path / "a"), "--port", "0", "--wifi", "Salle", input="court\n")
    assert result.exit_code == 2 and "de 8 à 63 caractères" in result.stderr and not (tmp_path / "a").exists()


def test_an_address_that_does_not_answer_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "serve", lambda app, listening: listening.sock.close())
    monkeypatch.setattr(network, "answers", lambda host, port: False)
    result = invoke("atelier", str(tmp_path / "a"), "--port", "0")
    err = result.stderr.replace("\u00a0", " ").replace("\u202f", " ")
    assert result.exit_code == 0 and "ne répond pas" in err
    assert "pare-feu" in err and "isole" in err and "point d'accès mobile" in err and "docs/atelier.md" in err


def test_minutes_at_start_up_says_when_the_full_form_will_not_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pack: Pack
) -> None:
    monkeypatch.setattr(server, "serve", lambda app, listening: listening.sock.close())
    load, short = reading_load(pack.form()).minutes, reading_load(pack.form(None, "short")).minutes
    result = invoke("atelier", str(tmp_path / "a"), "--port", "0", "--minutes", str(load - 1))
    err = result.stderr.replace("\u00a0", " ").replace("\u202f", " ")
    assert result.exit_code == 0 and f"environ {load} minutes, plus que les {load - 1} prévues" in err
    assert f"court en demande environ {short}" in err and "--short" in err
    assert load_timer(tmp_path / "a").minutes == load - 1  # kept for the dashboard and a restart
    fits = invoke("atelier", str(tmp_path / "b"), "--port", "0", "--minutes", str(load))
    assert "il tient dans" in fits.stderr.replace("\u00a0", " ")
    assert invoke("atelier", str(tmp_path / "c"), "--minutes", "0").exit_code == 2


# -- the guide ------------------------------------------------------------------------------------
def test_the_guide_describes_the_phone_workshop_with_the_measured_time(pack: Pack) -> None:
    result = invoke("handout", "guide", "--format", "md")
    text = result.stdout.replace("\u00a0", " ").replace("\u202f", " ")
    section = text[text.index("## L'atelier avec les téléphones") : text.index("## Le matériel")]
    load = reading_load(pack.form()).minutes
    assert (
        f"environ {load} minutes" in section
        and f"- Questionnaire ({load} min, {load + 5} min avec la marge)" in section
    )
    assert f"--minutes {load + 5}" in section  # the command's planned time is the one announced, margin said
    for step in ("QR code", "tableau de bord", "minuteur", "dévoiler", "commentaires", "vote", "fermer", "archive"):
        assert step in section, step
    assert "Sans Wi-Fi" in section and "## Faire passer le questionnaire" in text and "### Sur papier" in text
    short = invoke("handout", "guide", "--short", "--format", "md").stdout.replace("\u00a0", " ")
    assert f"environ {reading_load(pack.form(None, 'short')).minutes} minutes (" in short


# -- data protection ------------------------------------------------------------------------------
def test_the_join_page_says_what_is_kept_where_how_long_and_who_sees_it(room: Callable[..., Room]) -> None:
    r = room()
    phone = r.client()
    join = _text(phone.get(r.base).text)
    for words in (
        "sur l'ordinateur de l'animation",
        "au moins 3 personnes",
        "les commentaires que l'animation projette, sans nom",  # comments reach the room: said before typing
        "doit vous dire combien de temps ils sont conservés",  # no --retention: who must say it
    ):
        assert words in join, words
    assert f'href="{r.base}/donnees"' in phone.get(r.base).text
    r.join(phone)
    pid = next(iter(r.w.registry.people))
    page = phone.get(f"{r.base}/donnees")
    assert page.status_code == 200 and f"{pid[:4]}-{pid[4:8]}" in page.text
    assert "CNIL" in page.text and "cooplevier_participant" in page.text
    assert "vous y opposer" in page.text and "copies remises" in page.text  # the rights, and where erasure stops
    assert "N'y nommez personne" in phone.get(f"{r.base}/question/{r.w.registry.questions[0].id}").text
    assert r.client().get("/a/0000-0000-0000-0000/donnees").status_code == 404


def test_the_facilitator_erases_one_participant_after_a_confirmation(room: Callable[..., Room]) -> None:
    r = room()
    keep, leave = r.client(), r.client()
    r.join(keep, "elu", "Reste")
    r.join(leave, "technicien", "Part")
    qid = r.w.registry.questions[0].id
    r.answer(keep, qid, 2)
    r.answer(leave, qid, 5, comment="à effacer")
    gone = next(p.id for p in r.w.registry if p.name == "Part")
    answer_file = r.folder / f"reponses-{gone}.yaml"
    record = r.folder / ".cooplevier-atelier" / "participants" / f"{gone}.json"
    assert answer_file.exists() and record.exists()
    lock = r.folder / f".{answer_file.name}.lock"  # the file lock the server holds (writelock)
    assert lock.exists() and gone in r.w.registry.locks
    kept = r.folder / ".cooplevier-atelier" / "conflits" / f"reponses-{gone}.atelier-20261207-090000-000000.yaml"
    kept.parent.mkdir(exist_ok=True)
    kept.write_text("a copy kept when their file was edited outside", encoding="utf-8")
    fac = r.client()
    csrf = csrf_of(fac.get(r.fac).text)
    assert fac.post(r.fac + "/effacer", data={"participant": gone, "confirmer": "oui"}).status_code == 403
    asked = fac.post(r.fac + "/effacer", data={"csrf": csrf, "participant": gone})
    assert asked.status_code == 200 and 'name="confirmer" value="oui"' in asked.text and answer_file.exists()
    done = fac.post(r.fac + "/effacer", data={"csrf": csrf, "participant": gone, "confirmer": "oui"})
    assert done.status_code == 303
    assert not answer_file.exists() and not record.exists() and r.w.registry.get(gone) is None
    assert not kept.exists() and not lock.exists() and gone not in r.w.registry.locks
    assert [f["respondent"]["name"] for f in r.files()] == ["Reste"]
    assert "à effacer" not in json.dumps(r.files(), default=str) and len(r.w.results()) == 1
    assert leave.get(f"{r.base}/question/{qid}").headers["location"] == r.base  # their cookie opens nothing
    again = fac.post(r.fac + "/effacer", data={"csrf": csrf, "participant": gone, "confirmer": "oui"})
    assert again.status_code == 404


# -- the archive ----------------------------------------------------------------------------------
def test_the_archive_holds_the_workshop_and_no_secret_and_report_reads_it(
    room: Callable[..., Room], tmp_path: Path
) -> None:
    r = room()
    phones = [r.client() for _ in range(3)]
    qids = [q.id for q in r.w.registry.questions][:3]
    for n, phone in enumerate(phones):
        r.join(phone, "elu", f"Personne {n}")
        for qid in qids:
            r.answer(phone, qid, n + 2, comment="un commentaire" if n == 0 else "")
    tokens = [phone.cookies.get("cooplevier_participant") for phone in phones]
    (r.folder / ".cooplevier-atelier" / "votes.json").write_text('{"cooplevier": "votes/1"}', encoding="utf-8")
    fac = r.client()
    assert r.client().get(f"/ecran/{r.w.state.screen_key}/archive.zip").status_code == 404
    response = fac.get(r.fac + "/archive.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    data = response.content
    state = r.w.state
    for secret in (state.key, state.code, state.display_code, state.secret.hex(), state.screen_key, *tokens):
        assert secret and secret.encode() not in data, secret
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    root = names[0].split("/")[0]
    for name in names:
        assert name.startswith(root + "/") and "state" not in name and "participants/" not in name
        assert state.key.encode() not in archive.read(name) and state.secret.hex().encode() not in archive.read(name)
    assert sorted(n for n in names if n.endswith(".yaml")) == sorted(
        f"{root}/{p.name}" for p in r.folder.glob("reponses-*.yaml")
    )
    for fmt in ("html", "md", "json"):
        assert f"{root}/synthese/synthese.{fmt}" in names
    assert f"{root}/votes/votes.json" in names and f"{root}/LISEZMOI.md" in names
    manifest = json.loads(archive.read(f"{root}/atelier.json"))
    assert manifest["participants"] == 3 and manifest["min_group"] == 3 and "key" not in manifest
    typed = json.loads(archive.read(f"{root}/commentaires.json"))
    assert [c["text"] for c in typed] == ["un commentaire"] * 3 and {c["role"] for c in typed} == {"elu"}
    assert "Personne" not in json.dumps(typed)
    out = tmp_path / "unzipped"
    archive.extractall(out)
    report = invoke("report", str(out / root), "--format", "json")
    assert report.exit_code == 0, report.stderr
    assert json.loads(report.stdout)["respondents"] == 3


def test_where_people_are_and_when_they_moved_survive_a_restart(room: Callable[..., Room], pack: Pack) -> None:
    r = room()
    phone = r.client()
    r.join(phone)
    qids = [q.id for q in r.w.registry.questions]
    for qid in qids[:3]:
        r.answer(phone, qid, 2)
    before = next(iter(r.w.registry))
    assert before.first and before.moved >= before.first
    r.w.release()
    again = Room(r.folder, pack)
    after = next(iter(again.w.registry))
    assert (after.first, after.moved) == pytest.approx((before.first, before.moved), abs=0.1)
    pacing = progress(list(again.w.registry), again.w.registry.steps, again.w.registry.questions, now=after.moved + 301)
    assert pacing.everyone.stalled == 1 and pacing.left is None  # five minutes later: immobile, out of the estimate
    again.close()


def test_an_archive_before_any_answer_holds_the_settings_and_no_synthesis(room: Callable[..., Room]) -> None:
    r = room()
    response = r.client().get(r.fac + "/archive.zip")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert response.status_code == 200 and not any("synthese" in n or n.endswith(".yaml") for n in names)
    assert any(n.endswith("/atelier.json") for n in names) and any(n.endswith("/LISEZMOI.md") for n in names)


def test_the_organiser_and_the_retention_period_are_said_kept_and_replaced(room: Callable[..., Room]) -> None:
    from cooplevier.atelier.facilitation.startup import missing_notice
    from cooplevier.atelier.state import STATE_DIR, STATE_FILE, load_state

    r = room()
    said = missing_notice(r.w)
    assert said is not None and "--organiser" in said and "--retention" in said
    r.close()
    notice = {"organiser": "Communauté de communes <b>X</b>, dpo@cc-x.fr", "retention": "jusqu'au 31 décembre 2027"}
    r = room(notice=notice)  # the same folder, restarted with both
    assert missing_notice(r.w) is None
    phone = r.client()
    join = phone.get(r.base).text
    assert "Communauté de communes &lt;b&gt;X&lt;/b&gt;, dpo@cc-x.fr" in join  # escaped, never markup
    assert "Durée de conservation : jusqu'au 31 décembre 2027" in _plain(join)
    assert "dpo@cc-x.fr : la structure qui organise l'atelier" in _plain(phone.get(f"{r.base}/donnees").text)
    r.close()
    r = room()  # restarted without them: kept
    assert r.w.state.settings.organiser == notice["organiser"]
    r.close()
    r = room(notice={"retention": "deux ans après l'atelier"})  # a new value replaces the saved one
    state = load_state(r.folder / STATE_DIR / STATE_FILE)
    assert (state.settings.organiser, state.settings.retention) == (notice["organiser"], "deux ans après l'atelier")
    r.close()
    path = r.folder / STATE_DIR / STATE_FILE
    saved = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**saved, "organiser": "\u202eX"}), encoding="utf-8")  # edited by hand
    with pytest.raises(Exception, match="abîmé"):
        load_state(path)
