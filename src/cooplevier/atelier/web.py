"""The participant's way through, as plain HTML forms (no JavaScript needed), and the app itself.

Pages, one URL each under `/a/<code>` (docs/atelier.md): the join form; per lever a short panel
(`levier/L3`); one question per page (`question/L3.Q2`, GET to show, POST to answer); the end
(`fin`, with `id="done"`); the personal resume link (`reprendre/<token>`). A POST answer is
written to disk before the redirect that acknowledges it. Identity is an HttpOnly, SameSite
cookie holding the participant's signed token; every form carries a CSRF token bound to it.
"""

from __future__ import annotations

import functools
import secrets
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cooplevier.atelier import facilitator, views
from cooplevier.atelier.facilitation import routes as facilitation
from cooplevier.atelier.participants import ChangedOnDisk, HeldElsewhere, Participant, WorkshopFull
from cooplevier.atelier.security import FormRefused, SecurityHeaders, read_form
from cooplevier.atelier.workshop import Workshop
from cooplevier.content.answers import control_char, parse_value, text_problem
from cooplevier.content.model import ROLES
from cooplevier.content.reading import reading_load
from cooplevier.errors import CooplevierError
from cooplevier.messages import role_choice

COOKIE = "cooplevier_participant"
VISITOR = "cooplevier_visiteur"
MAX_NAME = 80
COOKIE_AGE = 14 * 24 * 3600  # a workshop and its follow-up session, not forever


def create_app(workshop: Workshop) -> Any:
    """The ASGI app of one workshop, wrapped in the security headers."""
    p = Participants(workshop)
    f = facilitator.Facilitator(workshop)
    from cooplevier.atelier.discussion.room import Room

    room = Room(workshop, f, p)
    f.dashboard_parts += [functools.partial(facilitation.dashboard_context, workshop), room.dashboard_context]
    routes = [
        Route("/a/{code}", p.home, methods=["GET"]),
        Route("/a/{code}/rejoindre", p.join, methods=["POST"]),
        Route("/a/{code}/levier/{lever}", p.lever, methods=["GET"]),
        Route("/a/{code}/question/{question}", p.question, methods=["GET", "POST"]),
        Route("/a/{code}/fin", p.done, methods=["GET"]),
        Route("/a/{code}/reprendre/{token}", p.resume, methods=["GET", "POST"]),
        Route("/a/{code}/static/{name}", p.static, methods=["GET"]),
        *f.routes(),
        *facilitation.routes(workshop, p, f, cookie_age=COOKIE_AGE),  # countdown, erasure, archive, « vos données »
        *room.routes(),  # presenter view, comment wall, priority vote
    ]
    app = Starlette(routes=routes, exception_handlers={404: _not_found, 405: _not_allowed})
    app.router.redirect_slashes = False  # a stray "/" is a 404, never a redirect built from the Host header
    return SecurityHeaders(app)


async def _not_found(request: Request, exc: Exception) -> Response:
    return views.not_found()


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return views.refused("method", 405)


class Participants:
    """The participant's handlers; each first checks the workshop code in the URL."""

    def __init__(self, workshop: Workshop) -> None:
        self.w = workshop

    # -- helpers ----------------------------------------------------------------------------
    def _base(self) -> str:
        return f"/a/{self.w.state.display_code}"

    def _person(self, request: Request) -> Participant | None:
        pid = self.w.state.participant_of(request.cookies.get(COOKIE))
        return self.w.registry.get(pid)

    def _csrf(self, person: Participant) -> str:
        return self.w.state.sign("csrf:p:" + person.id)

    def _url_of(self, position: int) -> str:
        steps = self.w.registry.steps
        if position >= len(steps):
            return f"{self._base()}/fin"
        step = steps[max(0, position)]
        return f"{self._base()}/{'levier' if step.kind == 'lever' else 'question'}/{step.id}"

    def _context(self, **more: Any) -> dict[str, Any]:
        w = self.w
        return {
            "base": self._base(),
            "territory": w.state.settings.territory,
            "closed": w.state.closed,
            "resume": None,
            "countdown": w.timer.view(),  # the facilitator's countdown, shown at the top of every page
            "privacy_link": f"{self._base()}/donnees",
            "organiser": w.state.settings.organiser,  # --organiser, --retention: the data page's RGPD lines
            "retention": w.state.settings.retention,
            "vote_url": f"{self._base()}/vote" if _vote_open(w) else None,
            **more,
        }

    def _structure(self) -> Any:
        """The structure type the questions are worded for (its « votre structure » note), if any."""
        chosen = self.w.state.settings.structure
        return self.w.pack.structure_type(chosen) if chosen else None

    def _resume_url(self, person: Participant) -> str:
        return f"{self.w.participant_url}/reprendre/{self.w.state.token_for(person.id)}"

    def _code_ok(self, request: Request) -> bool:
        return self.w.state.code_matches(request.path_params["code"])

    def _canonical(self, request: Request) -> Response | None:
        """Wrong code: 404. A code typed without dashes or in capitals: to the canonical URL."""
        code = request.path_params["code"]
        if not self._code_ok(request):
            return views.not_found()
        if code != self.w.state.display_code:
            rest = request.url.path.split("/", 3)[3] if request.url.path.count("/") >= 3 else ""
            return RedirectResponse(f"{self._base()}/{rest}".rstrip("/"), 308)
        return None

    def _set_cookie(self, response: Response, name: str, value: str) -> None:
        response.set_cookie(name, value, max_age=COOKIE_AGE, path=self._base(), httponly=True, samesite="lax")

    # -- pages ------------------------------------------------------------------------------
    async def static(self, request: Request) -> Response:
        if (wrong := self._canonical(request)) is not None:
            return wrong
        return views.static_response(request.path_params["name"])

    async def home(self, request: Request) -> Response:
        if (wrong := self._canonical(request)) is not None:
            return wrong
        person = self._person(request)
        if person is not None:
            return RedirectResponse(self._url_of(person.position), 303)
        return self._join_page(request, {}, None)

    def _join_page(self, request: Request, typed: dict[str, str], error: str | None, status: int = 200) -> Response:
        if self.w.state.closed:
            return views.page("closed.html.j2", self._context(person=None), 403 if error else 200)
        visitor = request.cookies.get(VISITOR) or secrets.token_urlsafe(16)
        roles = [(role, role_choice(role)) for role in ROLES]
        context = self._context(
            csrf=self.w.state.sign("csrf:j:" + visitor),
            roles=roles,
            typed=typed,
            error=error,
            questions=len(self.w.registry.questions),
            minutes=reading_load(self.w.registry.questions).minutes,
            min_group=self.w.min_group,
            structure=self._structure(),
        )
        response = views.page("join.html.j2", context, status)
        if request.cookies.get(VISITOR) != visitor:
            self._set_cookie(response, VISITOR, visitor)
        return response

    async def join(self, request: Request) -> Response:
        if not self._code_ok(request):
            return views.not_found()
        fields, bad = await _form(request)
        if bad is not None:
            return bad
        visitor = request.cookies.get(VISITOR, "")
        if not visitor or not secrets.compare_digest(fields.get("csrf", ""), self.w.state.sign("csrf:j:" + visitor)):
            return views.refused("csrf", 403, back=self._base())
        if self.w.state.closed:
            return views.page("closed.html.j2", self._context(person=None), 403)
        client = request.client.host if request.client else "?"
        if not self.w.limiter.allow(client):
            return views.refused("rate", 429, back=self._base())
        role, name = fields.get("role", ""), " ".join(fields.get("name", "").split())
        typed = {"role": role, "name": fields.get("name", "")[: MAX_NAME * 2]}
        if role not in ROLES:
            return self._join_page(request, typed, "role", 422)
        if len(name) > MAX_NAME or control_char(name) is not None or text_problem(name) is not None:
            return self._join_page(request, typed, "name", 422)
        try:
            person = await self.w.registry.join(role, name or None)
        except WorkshopFull:
            return views.refused("full", 503, back=self._base())
        except (OSError, CooplevierError):
            return views.refused("disk", 500, back=self._base())
        response = RedirectResponse(self._url_of(0), 303)
        self._set_cookie(response, COOKIE, self.w.state.token_for(person.id))
        return response

    async def resume(self, request: Request) -> Response:
        """A resume link. It sets the identity at once only where there is none, or the same:
        a GET never changes who a browser answers as (session fixation). With another valid
        session, it asks first; the change is a POST with a CSRF token bound to both people."""
        if request.method == "POST":
            if not self._code_ok(request):
                return views.not_found()
        elif (wrong := self._canonical(request)) is not None:
            return wrong
        pid = self.w.state.participant_of(request.path_params["token"])
        person = self.w.registry.get(pid)
        if person is None:
            return views.not_found()
        current = self._person(request)
        if current is not None and current.id != person.id:
            csrf = self.w.state.sign(f"csrf:r:{current.id}:{person.id}")
            if request.method == "GET":
                context = self._context(person=current, csrf=csrf, action=request.url.path)
                context["here"] = self._url_of(current.position)
                return views.page("switch.html.j2", context)
            fields, bad = await _form(request)
            if bad is not None:
                return bad
            if not secrets.compare_digest(fields.get("csrf", ""), csrf):
                return views.refused("csrf", 403, back=self._base())
        elif request.method == "POST":
            return RedirectResponse(self._url_of(person.position), 303)
        response = RedirectResponse(self._url_of(person.position), 303)
        self._set_cookie(response, COOKIE, self.w.state.token_for(person.id))
        return response

    def _lost(self) -> Response:
        """Not (or no longer) recognised: back to the join page, which says how to resume."""
        return RedirectResponse(self._base(), 303)

    async def lever(self, request: Request) -> Response:
        if (wrong := self._canonical(request)) is not None:
            return wrong
        person = self._person(request)
        if person is None:
            return self._lost()
        lever_id = request.path_params["lever"]
        index = self.w.registry.index.get(("lever", lever_id))
        if index is None:
            return views.not_found()
        from cooplevier.atelier.pages import lever_context

        context = self._context(person=person, resume=self._resume_url(person))
        context.update(
            lever_context(
                self.w, index, back=self._url_of(index - 1) if index else None, forward=self._url_of(index + 1)
            )
        )
        return views.page("lever.html.j2", context)

    async def question(self, request: Request) -> Response:
        if (wrong := self._canonical(request)) is not None:
            return wrong
        person = self._person(request)
        qid = request.path_params["question"]
        index = self.w.registry.index.get(("question", qid))
        if person is None:
            return self._lost() if request.method == "GET" else views.refused("csrf", 403, back=self._base())
        if index is None:
            return views.not_found()
        if request.method == "GET":
            if self.w.state.closed:
                return views.page("closed.html.j2", self._context(person=person), 200)
            await self.w.registry.refresh(person)  # an edit made outside shows at once
            return self._question_page(person, index, None, None)
        fields, bad = await _form(request)
        if bad is not None:
            return bad
        if not secrets.compare_digest(fields.get("csrf", ""), self._csrf(person)):
            return views.refused("csrf", 403, back=self._url_of(index))
        if self.w.state.closed:
            return views.page("closed.html.j2", self._context(person=person), 409)
        action = fields.get("action", "suivant")
        if action not in ("suivant", "precedent", "passer"):
            action = "suivant"
        raw = fields.get(qid)
        comment = fields.get(f"comment-{qid}", "").replace("\r\n", "\n").strip()  # a textarea sends CRLF
        value = parse_value(raw) if raw is not None else None
        typed = {"value": raw or "", "comment": comment}
        if raw is not None and value is None:
            return self._question_page(person, index, "value", typed, 422)
        if comment and text_problem(comment) is not None:
            return self._question_page(person, index, "comment", typed, 422)
        if value is None and action == "suivant":
            return self._question_page(person, index, "missing", typed, 422)
        old = person.answers.get(qid)
        unsaved = value is None or action == "passer"  # « Passer » records no answer, so no comment either
        if unsaved and comment and comment != (old.comment if old else None):  # never dropped silently
            return self._question_page(person, index, "comment_alone", typed, 422)
        position = index - 1 if action == "precedent" else index + 1
        save = value is not None and action != "passer"
        try:
            await self.w.registry.record(
                person, qid if save else None, value if save else None, comment or None, position=max(0, position)
            )
        except ChangedOnDisk:  # edited outside: the page now shows the file's answers; answer again
            return self._question_page(person, index, "changed", None, 409)
        except HeldElsewhere:  # another writer has the file: nothing acknowledged
            return self._question_page(person, index, "held", typed, 409)
        except (OSError, CooplevierError):  # a full disk: nothing acknowledged, the answer is still on the page
            return self._question_page(person, index, "disk", typed, 500)
        return RedirectResponse(self._url_of(max(0, position)), 303)

    def _question_page(
        self, person: Participant, index: int, error: str | None, typed: dict[str, str] | None, status: int = 200
    ) -> Response:
        from cooplevier.atelier.pages import question_context

        context = self._context(person=person, resume=self._resume_url(person), csrf=self._csrf(person), error=error)
        context.update(question_context(self.w, person, index, typed, back=self._url_of(index - 1)))
        return views.page("question.html.j2", context, status)

    async def done(self, request: Request) -> Response:
        if (wrong := self._canonical(request)) is not None:
            return wrong
        person = self._person(request)
        if person is None:
            return self._lost()
        await self.w.registry.refresh(person)
        from cooplevier.atelier.pages import done_context

        context = self._context(person=person, resume=self._resume_url(person))
        context.update(done_context(self.w, person, base=self._base()))
        return views.page("done.html.j2", context)


def _vote_open(w: Workshop) -> bool:
    from cooplevier.atelier.discussion.room import vote_of

    return vote_of(w).status == "open"


async def _form(request: Request) -> tuple[dict[str, str], Response | None]:
    try:
        return await read_form(request), None
    except FormRefused as refused:
        return {}, views.refused(refused.kind, refused.status)
