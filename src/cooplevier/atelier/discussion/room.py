"""The discussion's routes: the presenter view, the comment wall and the priority vote.

Permissions, as everywhere in the workshop (docs/atelier.md):
- the screen key (`/ecran/<screen key>/presentation`) shows the slides and moves between them, in
  the browser; it can change nothing;
- the facilitator's key (`/animation/<key>/…`) shows the same slides with the reveal switch, and
  holds every change: reveal or hide, approve or set aside a comment, the vote's proposals, rules,
  opening, closing and reveal; each change is a POST with the facilitator's CSRF token;
- a participant's cookie opens the vote page only, under the workshop code.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from cooplevier import charset
from cooplevier.atelier import views
from cooplevier.atelier.discussion.comments import Wall
from cooplevier.atelier.discussion.presenter import (
    build_deck,
    clip,
    held_sentence,
    presenter_wheel,
    shown_counts,
    vote_view,
)
from cooplevier.atelier.security import FormRefused, read_form
from cooplevier.atelier.vote import (
    MAX_PROPOSALS,
    MAX_TEXT,
    Proposal,
    Vote,
    default_budget,
    live_vote,
    now,
    parse_ballot,
)
from cooplevier.atelier.workshop import Workshop
from cooplevier.content.answers import text_problem
from cooplevier.messages import t
from cooplevier.numbers import score_value


def wall_of(w: Workshop) -> Wall:
    wall = w.addons.get("wall")
    if not isinstance(wall, Wall):
        wall = w.addons["wall"] = Wall(w)
    return wall


def vote_of(w: Workshop) -> Vote:
    """The workshop's vote (kept at hand: every participant page asks whether it is open)."""
    vote = w.addons.get("vote")
    if not isinstance(vote, Vote):
        vote = w.addons["vote"] = live_vote(w.folder)
    return vote


def pack_actions(w: Workshop, lever: str) -> list[tuple[str, str]]:
    """The content's actions for a lever, as (id, text), when the pack has them (engineer t21)."""
    from cooplevier.content.plan.actions import actions_for

    return [(a.id, a.text) for a in actions_for(w.pack, lever, w.state.settings.structure)]


class Room:
    def __init__(self, w: Workshop, facilitator: Any, participants: Any) -> None:
        self.w = w
        self.f = facilitator
        self.p = participants

    def routes(self) -> list[Route]:
        fac, screen = "/animation/{key}", "/ecran/{key}"
        return [
            Route(screen + "/presentation", self.presentation, methods=["GET"]),
            Route(screen + "/presentation/fragment", self.presentation_fragment, methods=["GET"]),
            Route(fac + "/presentation", self.presentation, methods=["GET"]),
            Route(fac + "/presentation/fragment", self.presentation_fragment, methods=["GET"]),
            Route(fac + "/presentation/resultats", self.reveal, methods=["POST"]),
            Route(fac + "/commentaires", self.moderate, methods=["POST"]),
            Route(fac + "/mur", self.wall_fragment, methods=["GET"]),
            Route(fac + "/vote", self.vote_admin, methods=["POST"]),
            Route(fac + "/vote/etat", self.vote_fragment, methods=["GET"]),
            Route("/a/{code}/vote", self.vote_page, methods=["GET", "POST"]),
        ]

    # -- helpers -------------------------------------------------------------------------------
    def _csrf(self) -> str:
        return self.w.state.sign("csrf:f:" + self.w.state.key)

    async def _facilitator_form(self, request: Request) -> tuple[dict[str, str] | None, Response | None]:
        if not self.f._allowed(request):
            return None, views.not_found()
        try:
            fields = await read_form(request)
        except FormRefused as refused:
            return None, views.refused(refused.kind, refused.status)
        if not secrets.compare_digest(fields.get("csrf", ""), self._csrf()):
            return None, views.refused("csrf", 403, back=self.f._base())
        return fields, None

    def dashboard_context(self) -> dict[str, Any]:
        vote = vote_of(self.w)
        return {
            "wall": wall_of(self.w).by_lever(),
            "pending_comments": wall_of(self.w).pending(),
            "lever_titles": {lv.id: lv.short_title for lv in self.w.pack.levers},
            "vote": vote,
            "vote_cap": vote.cap,
            "vote_default": default_budget(len(vote.proposals)),
            "vote_levers": [(lv.id, lv.short_title, pack_actions(self.w, lv.id)) for lv in self.w.pack.levers],
            "presenter": self.f._screen_base() + "/presentation",
            "presenter_fac": self.f._base() + "/presentation",
        }

    # -- presenter -----------------------------------------------------------------------------
    def _presenter_context(self, request: Request) -> dict[str, Any]:
        w = self.w
        controls = request.url.path.startswith("/animation/")
        hidden = w.state.hidden
        voting = vote_view(vote_of(w), w.pack, w.min_group, hidden)
        deck = build_deck(w, wall_of(w), hidden, len(voting["pages"]))  # published first, then seen
        if not hidden:
            w.mark_seen()
        try:
            current = int(request.query_params.get("s", "0"))
        except ValueError:
            current = 0
        current = max(0, min(current, len(deck.slides) - 1))
        proj = w.projection()
        wheel: Any = None
        legend: list[Any] = []
        if deck.revealed and proj.enough:
            wheel, legend = presenter_wheel(proj, w.pack)
        base = self.f._base() if controls else self.f._screen_base()
        context: dict[str, Any] = self.f._context(
            base=base,
            here=base + "/presentation",
            deck=deck,
            current=current,
            p=proj,
            wheel=wheel,
            legend=legend,
            held=held_sentence(w) if deck.revealed else None,
            counts_text=shown_counts(proj),
            controls=controls,
            csrf=self._csrf() if controls else None,
            clip=clip,
            voting=voting,
            asset=views.asset_version,
            counts=w.counts(),
            score_value=score_value,
        )
        return context

    async def presentation(self, request: Request) -> Response:
        if not self.f._shown(request):
            return views.not_found()
        return views.page("presenter.html.j2", self._presenter_context(request))

    async def presentation_fragment(self, request: Request) -> Response:
        if not self.f._shown(request):
            return views.not_found()
        return views.page("_presenter_slides.html.j2", self._presenter_context(request))

    async def reveal(self, request: Request) -> Response:
        fields, refused = await self._facilitator_form(request)
        if fields is None:
            return refused  # type: ignore[return-value]
        action = fields.get("action")
        if action not in ("montrer", "masquer"):
            return views.refused("not_form", 422, back=self.f._base())
        await self.w.set_hidden(action == "masquer")
        slide = fields.get("s", "0")
        slide = slide if charset.is_digits(slide) and len(slide) < 4 else "0"
        back = fields.get("retour")
        if back == "tableau":
            return RedirectResponse(self.f._base(), 303)
        return RedirectResponse(f"{self.f._base()}/presentation?s={slide}", 303)

    # -- the wall ------------------------------------------------------------------------------
    async def moderate(self, request: Request) -> Response:
        fields, refused = await self._facilitator_form(request)
        if fields is None:
            return refused  # type: ignore[return-value]
        if not await wall_of(self.w).decide(fields.get("comment", ""), fields.get("decision", "")):
            return views.refused("not_form", 422, back=self.f._base())
        return RedirectResponse(self.f._base() + "#mur", 303)

    async def wall_fragment(self, request: Request) -> Response:
        if not self.f._allowed(request):
            return views.not_found()
        context = self.f._context(csrf=self._csrf(), **self.dashboard_context())
        return views.page("_wall.html.j2", context)

    # -- the vote, facilitator -----------------------------------------------------------------
    async def vote_fragment(self, request: Request) -> Response:
        """The dashboard's live line on the vote: how many have voted, open or closed, shown or not
        (the forms around it stay as the facilitator is filling them)."""
        if not self.f._allowed(request):
            return views.not_found()
        return views.page("_vote_status.html.j2", {"vote": vote_of(self.w)})

    async def vote_admin(self, request: Request) -> Response:
        fields, refused = await self._facilitator_form(request)
        if fields is None:
            return refused  # type: ignore[return-value]
        vote = vote_of(self.w)
        action = fields.get("action", "")
        error = self._vote_change(vote, action, fields)  # no await in between: one change at a time
        if error is None:
            if vote.budget_auto and vote.status == "draft":
                vote.budget = default_budget(len(vote.proposals))
            await vote.save()
        if error is not None:
            return views.page(
                "error.html.j2", {"kind": "vote", "message": error, "back": self.f._base() + "#vote"}, 422
            )
        return RedirectResponse(self.f._base() + "#vote", 303)

    def _vote_change(self, vote: Vote, action: str, fields: dict[str, str]) -> str | None:
        """Apply one change; a French sentence when it is refused."""
        draft = vote.status == "draft"
        levers = {lv.id for lv in self.w.pack.levers}
        if action in ("ajouter", "ajouter-actions", "retirer", "regles") and not draft:
            return t("atelier.vote.locked")
        if action == "ajouter":
            lever, text = fields.get("lever", ""), " ".join(fields.get("text", "").split())
            if lever not in levers:
                return t("atelier.vote.no_lever")
            if not text or len(text) > MAX_TEXT or text_problem(text) is not None:
                return t("atelier.vote.bad_text", most=MAX_TEXT)
            return self._add(vote, lever, None, text)
        if action == "ajouter-actions":
            lever = fields.get("lever", "")
            if lever not in levers:
                return t("atelier.vote.no_lever")
            actions = [(aid, text) for aid, text in pack_actions(self.w, lever) if fields.get(f"a-{aid}")]
            if not actions:
                return t("atelier.vote.no_actions")
            for aid, text in actions:
                if all(p.action != aid for p in vote.proposals):
                    error = self._add(vote, lever, aid, text)
                    if error:
                        return error
            return None
        if action == "retirer":
            vote.proposals = [p for p in vote.proposals if p.id != fields.get("proposal")]
            return None
        if action == "regles":
            budget, cap = fields.get("budget", "").strip(), fields.get("max", "").strip()
            if budget == "":
                vote.budget_auto = True
            elif charset.is_digits(budget) and 1 <= int(budget) <= 99:
                vote.budget, vote.budget_auto = int(budget), False
            else:
                return t("atelier.vote.bad_budget")
            if cap == "":
                vote.max_per_proposal = None
            elif charset.is_digits(cap) and int(cap) >= 1:
                vote.max_per_proposal = int(cap) if int(cap) < vote.budget else None
            else:
                return t("atelier.vote.bad_cap")
            return None
        if action == "ouvrir":
            if not draft:
                return t("atelier.vote.already_opened")
            if len(vote.proposals) < 2:
                return t("atelier.vote.too_few")
            vote.status, vote.opened = "open", now()
            return None
        if action == "clore":
            if vote.status != "open":
                return t("atelier.vote.not_open")
            vote.status, vote.closed = "closed", now()
            return None
        if action == "rouvrir":
            if vote.status != "closed":
                return t("atelier.vote.not_closed")
            vote.status, vote.closed = "open", None
            return None
        if action in ("montrer", "masquer"):
            vote.revealed = action == "montrer"
            return None
        return t("atelier.vote.unknown_action")

    def _add(self, vote: Vote, lever: str, action: str | None, text: str) -> str | None:
        if len(vote.proposals) >= MAX_PROPOSALS:
            return t("atelier.vote.too_many", most=MAX_PROPOSALS)
        number = max((int(p.id[1:]) for p in vote.proposals if charset.is_digits(p.id[1:])), default=0) + 1
        vote.proposals.append(Proposal(f"P{number}", lever, action, text))
        return None

    # -- the vote, participant -----------------------------------------------------------------
    async def vote_page(self, request: Request) -> Response:
        p = self.p
        wrong: Response | None = p._canonical(request)
        if wrong is not None:
            return wrong
        person = p._person(request)
        if person is None:
            if request.method == "POST":
                return views.refused("csrf", 403, back=p._base())
            lost: Response = p._lost()
            return lost
        vote = vote_of(self.w)
        csrf = self.w.state.sign("csrf:v:" + person.id)
        if request.method == "GET":
            return self._ballot_page(vote, person, csrf, request.query_params.get("enregistre") == "1")
        try:
            fields = await read_form(request)
        except FormRefused as refused:
            return views.refused(refused.kind, refused.status)
        if not secrets.compare_digest(fields.get("csrf", ""), csrf):
            return views.refused("csrf", 403, back=p._base() + "/vote")
        if vote.status != "open":
            return self._ballot_page(vote, person, csrf, False, status=409)
        votes, errors, typed = parse_ballot(vote, fields)
        if errors:
            return self._ballot_page(vote, person, csrf, False, errors=errors, typed=typed, status=422)
        try:
            await vote.cast(person.id, votes, self.w.registry.disk)
        except OSError:
            return self._ballot_page(vote, person, csrf, False, errors=["disk"], typed=typed, status=500)
        return RedirectResponse(p._base() + "/vote?enregistre=1", 303)

    def _ballot_page(
        self,
        vote: Vote,
        person: Any,
        csrf: str,
        saved: bool,
        *,
        errors: list[str] | None = None,
        typed: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        mine = vote.ballots.get(person.id, {})
        values = typed if typed is not None else {pid: str(n) for pid, n in mine.items()}
        titles = {lv.id: lv.short_title for lv in self.w.pack.levers}
        context = self.p._context(
            person=person,
            csrf=csrf,
            vote=vote,
            values=values,
            spent=sum(mine.values()),
            saved=saved and bool(mine),
            cleared=saved and not mine,
            errors=errors or [],
            titles=titles,
            vote_url=None,  # this is the vote: no link to it
        )
        return views.page("vote.html.j2", context, status)
