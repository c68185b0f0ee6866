"""The presenter view: the projection as slides for a room (the wheel, one slide per lever, the vote).

Every figure is the masked projection's (`scoring.masking.project` of the published copy), so it
is the report's figure over the answers the screen has published. Nothing here decides what may
be shown: masking does; this module only lays the projection out, one slide at a time, and says
what is held back and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from cooplevier.atelier.discussion.comments import Comment, Wall
from cooplevier.atelier.vote import Vote
from cooplevier.atelier.workshop import Workshop
from cooplevier.content.model import ROLES, Pack
from cooplevier.messages import role_group, t, tn
from cooplevier.numbers import score_value
from cooplevier.scoring.masking import EVERYONE, OTHERS, Projection
from cooplevier.scoring.synthesis import NO_ROLE

SCREEN_TEXT = 300  # characters of a comment on the screen (the dashboard has it whole)
FIRST_BUDGET = 180  # characters of comments on a lever's first slide, beside its figures
NEXT_BUDGET = 560  # characters of comments on each following slide of the lever
NEXT_MOST = 4  # comments on a following slide
VOTE_PAGE = 5  # proposals on one vote slide


def discuss_order(proj: Projection, pack: Pack) -> list[str]:
    """The levers in the order « à discuter en premier »: the report's rule on the figures shown
    (`Projection.discuss_first`), then any lever the projection does not hold, in the pack's order."""
    first = list(proj.discuss_first)
    return first + [lever.id for lever in pack.levers if lever.id not in first]


@dataclass(frozen=True, slots=True)
class Bar:
    role: str  # a role id, "autres", or "group" for the whole group
    label: str
    value: Fraction | None  # None: held back for anonymity (data-held)

    @property
    def data(self) -> str:
        """The value as `data-value` says it: the report's rounding, with a dot."""
        shown = score_value(self.value)
        return "" if shown is None else f"{shown:g}"

    @property
    def width(self) -> str:
        return "0" if self.value is None else f"{float(self.value) / 5 * 100:.1f}"


@dataclass(frozen=True, slots=True)
class Slide:
    key: str  # data-slide: "wheel", a lever id or "vote"
    kind: str
    lever: Any = None
    bars: tuple[Bar, ...] = ()
    divergent: bool = False
    discuss: tuple[Any, ...] = ()
    comments: tuple[Comment, ...] = ()
    part: int = 1
    parts: int = 1
    held_comments: int = 0  # comments on the lever not shown (pending or set aside)


@dataclass
class Deck:
    slides: list[Slide] = field(default_factory=list)
    revealed: bool = False
    enough: bool = False


def clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SCREEN_TEXT else text[: SCREEN_TEXT - 1].rstrip() + "…"


def _pages(comments: list[Comment]) -> list[list[Comment]]:
    """The lever's approved comments, cut into slides: a short one beside the figures, then pages."""
    first: list[Comment] = []
    rest = list(comments)
    if rest and len(clip(rest[0].text)) <= FIRST_BUDGET:
        first.append(rest.pop(0))
    pages = [first]
    while rest:
        page: list[Comment] = []
        used = 0
        while rest and len(page) < NEXT_MOST and (not page or used + len(clip(rest[0].text)) <= NEXT_BUDGET):
            used += len(clip(rest[0].text))
            page.append(rest.pop(0))
        pages.append(page)
    return pages


def bars(proj: Projection, figure: Any, labels: dict[str, str]) -> tuple[Bar, ...]:
    out = [Bar("group", labels["group"], figure.mean)]
    if proj.split:
        out.extend(Bar(g.key, labels[g.key], figure.cells.get(g.key)) for g in proj.groups)
    return tuple(out)


def group_labels(proj: Projection) -> dict[str, str]:
    labels = {"group": t("atelier.group.whole")}
    for g in proj.groups:
        if g.key == OTHERS:
            labels[g.key] = t("atelier.group.others")
        else:
            labels[g.key] = labels["group"] if g.key == EVERYONE else role_group(g.key)
    return labels


def build_deck(w: Workshop, wall: Wall, hidden: bool, vote_pages: int = 1) -> Deck:
    proj = w.projection()
    pack = w.pack
    deck = Deck(revealed=not hidden, enough=proj.enough)
    deck.slides.append(Slide("wheel", "wheel"))
    labels = group_labels(proj)
    asked = {q.lever for q in w.registry.questions}
    for lid in discuss_order(proj, pack):
        if lid not in asked:
            continue
        lever = pack.lever(lid)
        row = proj.levers[lid]
        shown = deck.revealed and proj.enough
        pages = _pages(wall.approved(lid)) if shown else [[]]
        held = sum(1 for c in wall.comments() if c.lever == lid and c.status != "approved") if shown else 0
        for i, page in enumerate(pages):
            deck.slides.append(
                Slide(
                    lid,
                    "lever",
                    lever=lever,
                    bars=bars(proj, row.figure, labels) if shown and i == 0 and row.figure.n else (),
                    divergent=shown and row.figure.divergent is True,
                    discuss=row.discuss[:1] if shown and i == 0 else (),
                    comments=tuple(page),
                    part=i + 1,
                    parts=len(pages),
                    held_comments=held,
                )
            )
    for i in range(max(1, vote_pages)):
        deck.slides.append(Slide("vote", "vote", part=i + 1, parts=max(1, vote_pages)))
    return deck


def held_sentence(w: Workshop) -> str | None:
    """Exactly how many answers the screen leaves out, by role, and why, in one sentence."""
    proj = w.projection()
    k = proj.min_group
    waiting: dict[str, int] = {}
    for person in w.registry:
        shown = w.published.values.get(person.id, {})
        n = sum(1 for q, a in person.answers.items() if shown.get(q) != a.value)
        n += sum(1 for q in shown if q not in person.answers)
        if n:
            role = person.role or NO_ROLE
            waiting[role] = waiting.get(role, 0) + n
    parts = []
    if waiting:
        by = ", ".join(f"{role_group(r).lower()} {waiting[r]}" for r in [*ROLES, NO_ROLE] if r in waiting)
        parts.append(tn("atelier.held.waiting", sum(waiting.values()), by=by, k=k))
    if w.published.held:
        parts.append(t("atelier.held.erased", k=k))
    if proj.split and proj.held_back:
        roles = ", ".join(role_group(r).lower() for r in proj.held_roles)
        parts.append(tn("atelier.held.people", proj.held_back, roles=roles, k=k))
    return (" ; ".join(parts) + ".") if parts else None


def shown_counts(proj: Projection) -> str:
    """Whose answers the figures stand for: people with published answers, by role (when the
    legend does not already give each role's count: the wheel's slide has no line to spare)."""
    if proj.split:
        return tn("atelier.shown_people", proj.respondents)
    by = ", ".join(f"{role_group(r).lower()} {n}" for r, n in proj.roles.items())
    return tn("atelier.shown_people", proj.respondents) + (f" ({by})" if by else "")


def vote_view(vote: Vote, pack: Pack, k: int, hidden: bool = False) -> dict[str, Any]:
    """The vote slide: totals only when the vote's results and the workshop's are both revealed
    (results hidden again hide the vote's too), for at least K voters."""
    totals, voters, waiting = vote.screen(k)
    shown = vote.revealed and not hidden and totals is not None
    if shown:
        vote.mark_seen()
    items: list[dict[str, Any]] = [
        {"p": p, "lever": pack.lever(p.lever) if p.lever in {lv.id for lv in pack.levers} else None}
        for p in vote.proposals
    ]
    if shown and totals is not None:
        items.sort(key=lambda item: -totals[item["p"].id])
        top = max(totals.values(), default=0) or 1
        for item in items:
            item["tokens"] = totals[item["p"].id]
            item["width"] = f"{totals[item['p'].id] / top * 100:.1f}"
    pages = [items[i : i + VOTE_PAGE] for i in range(0, len(items), VOTE_PAGE)] or [[]]
    return {"items": items, "pages": pages, "shown": shown, "voters": voters, "waiting": waiting, "vote": vote}


@dataclass(frozen=True, slots=True)
class LegendItem:
    label: str
    dash: str
    shape: str
    colour: str


def presenter_wheel(proj: Projection, pack: Pack) -> tuple[Any, list[LegendItem]]:
    """The group's wheel without its own legend (drawn in SVG units, too small at 10 m), and the
    legend as items the page writes in its own large type (each series: a dash and a marker too,
    so nothing rests on colour)."""
    from markupsafe import Markup

    from cooplevier.atelier.facilitator import group_labels as series_labels
    from cooplevier.atelier.facilitator import projection_wheel
    from cooplevier.report.wheel import STYLES

    labels = series_labels(proj)
    svg = str(projection_wheel(proj, pack, labels))
    size = 460
    svg = re.sub(r'viewBox="0 0 (\d+) \d+" width="(\d+)" height="\d+"', f'viewBox="0 0 {size} {size}"', svg, count=1)
    names = [t("wheel.group_mean")]
    if proj.split:
        for g in proj.groups:
            name = t("wheel.role_series", role=labels[g.key], count=g.count)
            if all(lv.figure.cells.get(g.key) is None for lv in proj.levers.values()):
                name = t("atelier.series_masked", series=name)  # nothing of theirs drawn: said
            names.append(name)
    legend = [LegendItem(name, *STYLES[i % len(STYLES)]) for i, name in enumerate(names)]
    return Markup(svg), legend  # our own SVG (wheel_svg escapes every text it draws)
