"""Running the room, beside the facilitator's dashboard: the countdown, erasing one participant,
the archive to hand over, and the participants' page on their data (RGPD).

Every facilitator route needs the facilitator's key (never the screen key) and every POST the
facilitator's CSRF token, as the dashboard's other switches. Erasing asks for a confirmation on a
page of its own (a plain form: no JavaScript needed).
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cooplevier import charset
from cooplevier.atelier import views
from cooplevier.atelier.facilitation.pacing import MAX_COUNTDOWN, progress, save_timer
from cooplevier.atelier.security import FormRefused, read_form
from cooplevier.atelier.state import is_participant_id
from cooplevier.content.model import ROLES
from cooplevier.messages import role_label

if TYPE_CHECKING:
    from cooplevier.atelier.workshop import Workshop


def routes(w: Workshop, p: Any, f: Any, *, cookie_age: int) -> list[Route]:
    """`p` and `f` are web.Participants and facilitator.Facilitator (their key checks, contexts)."""
    desk = Desk(w, p, f, cookie_age)
    prefix = "/animation/{key}"
    return [
        Route(prefix + "/minuteur", desk.countdown, methods=["POST"]),
        Route(prefix + "/effacer", desk.erase, methods=["POST"]),
        Route(prefix + "/archive.zip", desk.archive, methods=["GET"]),
        Route("/a/{code}/donnees", desk.privacy, methods=["GET"]),
    ]


def short_id(pid: str) -> str:
    """The part of a participant's id shown to them and to the facilitator, to name them without a name."""
    return f"{pid[:4]}-{pid[4:8]}"


def dashboard_context(w: Workshop) -> dict[str, Any]:
    """What the dashboard adds for pacing, the countdown, erasure and the archive."""
    from cooplevier.atelier.facilitation.startup import workshop_fit

    people = sorted(w.registry, key=lambda person: person.joined)
    return {
        "pacing": progress(people, w.registry.steps, w.registry.questions),
        "fit": workshop_fit(w),
        "timer_view": w.timer.view(),  # not "countdown": the phones' banner is not for the dashboard
        "countdown_max": MAX_COUNTDOWN,
        "everyone": [
            {"id": person.id, "short": short_id(person.id), "name": person.name, "role": role_label(person.role or "")}
            for person in people
        ],
    }


class Desk:
    def __init__(self, w: Workshop, p: Any, f: Any, cookie_age: int) -> None:
        self.w, self.p, self.f, self.cookie_age = w, p, f, cookie_age

    def _csrf(self) -> str:
        return self.w.state.sign("csrf:f:" + self.w.state.key)

    async def _checked(self, request: Request) -> tuple[dict[str, str], Response | None]:
        """The facilitator's key and CSRF token, or the refusal to send."""
        if not self.f._allowed(request):
            return {}, views.not_found()
        try:
            fields = await read_form(request)
        except FormRefused as refused:
            return {}, views.refused(refused.kind, refused.status)
        if not secrets.compare_digest(fields.get("csrf", ""), self._csrf()):
            return {}, views.refused("csrf", 403, back=self.f._base())
        return fields, None

    async def countdown(self, request: Request) -> Response:
        fields, bad = await self._checked(request)
        if bad is not None:
            return bad
        import time

        action, typed = fields.get("action"), fields.get("minutes", "").strip()
        if action == "demarrer":
            if not charset.is_digits(typed) or not 1 <= int(typed) <= MAX_COUNTDOWN:
                return views.refused("countdown", 422, back=self.f._base())
            timer = replace(self.w.timer, ends=time.time() + int(typed) * 60, length=int(typed))
        elif action == "arreter":
            timer = replace(self.w.timer, ends=None, length=0)
        else:
            return views.refused("not_form", 422, back=self.f._base())
        await self.w.registry.disk.run(save_timer, self.w.folder, timer)  # on disk first: a restart keeps it
        self.w.timer = timer
        return RedirectResponse(self.f._base() + "#minuteur", 303)

    async def erase(self, request: Request) -> Response:
        fields, bad = await self._checked(request)
        if bad is not None:
            return bad
        pid = fields.get("participant", "")
        person = self.w.registry.get(pid) if is_participant_id(pid) else None
        if person is None:
            return views.refused("no_participant", 404, back=self.f._base())
        if fields.get("confirmer") != "oui":
            context = self.f._context(
                csrf=self._csrf(),
                person={"id": person.id, "short": short_id(person.id), "name": person.name},
                role=role_label(person.role or ""),
                answers=len(person.answers),
                min_group=self.w.min_group,
            )
            return views.page("erase.html.j2", context)
        from cooplevier.atelier.facilitation.archive import erase_participant

        try:
            await erase_participant(self.w, pid)
        except OSError:
            return views.refused("disk", 500, back=self.f._base())
        return RedirectResponse(self.f._base() + "#effacer", 303)

    async def archive(self, request: Request) -> Response:
        if not self.f._allowed(request):
            return views.not_found()
        from cooplevier.atelier.facilitation.archive import archive_name, build_archive

        data = await asyncio.to_thread(build_archive, self.w)
        headers = {"content-disposition": f'attachment; filename="{archive_name(self.w)}.zip"'}
        return Response(data, media_type="application/zip", headers=headers)

    async def privacy(self, request: Request) -> Response:
        """What is kept, where, how long, who sees it: the fuller page the join page links to."""
        wrong: Response | None = self.p._canonical(request)
        if wrong is not None:
            return wrong
        person = self.p._person(request)
        context = self.p._context(
            person=person,
            short=short_id(person.id) if person else None,
            min_group=self.w.min_group,
            cookie_days=self.cookie_age // 86400,
            role_list=", ".join(role_label(role) for role in ROLES),
        )
        return views.page("privacy.html.j2", context)
