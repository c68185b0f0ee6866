"""The content as plain text for a pipe: what `levers` and `cases` print when stdout is not a
terminal (or with `--format text`), as `score` and `report` switch formats for a pipe.

Lists are one line per item, fields separated by a tab, no header, no box drawing and no colour:
`cooplevier levers | cut -f1` gives the ids, `cooplevier cases | grep L3` the territories of a
lever. A lever's detail is plain lines: its title, then each section's heading and its items
(`- ` before each). Texts of the content are typeset as on screen; a tab or a line break inside
one becomes a space, so that a line stays one item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from cooplevier.content.model import Case, CaseLink, Pack
from cooplevier.content.plan.actions import Action, actions_for
from cooplevier.messages import t
from cooplevier.typography import typeset as fr

_BREAKS = re.compile(r"[\t\r\n\x0b\x0c\x85\u2028\u2029]+")
EDITORIAL = " *"  # as on screen: written or linked by cooplevier, not by the deck


def _one_line(text: str) -> str:
    return _BREAKS.sub(" ", text).strip()


def _row(*fields: object) -> str:
    return "\t".join(_one_line(str(f)) for f in fields)


def _mark(source: str) -> str:
    return EDITORIAL if source == "editorial" else ""


def levers_text(pack: Pack) -> str:
    """One line per lever: id, axis id, title, number of questions, number of territories."""
    rows = (
        _row(lv.id, lv.axis, fr(lv.title), len(pack.questions_for(lv.id)), len(pack.cases_for(lv.id)))
        for axis in pack.axes
        for lv in (pack.lever(lid) for lid in axis.levers)
    )
    return _lines(rows)


def lever_text(pack: Pack, lever_id: str) -> str:
    """A lever's detail in plain lines."""
    lv = pack.lever(lever_id)
    cited = [c for c in pack.cases_for(lv.id) if _link_source(c.levers, lv.id) == "seed"]
    proposed = [c for c in pack.cases_for(lv.id) if _link_source(c.levers, lv.id) != "seed"]

    def section(title: str, items: Iterable[str]) -> Iterator[str]:
        items = list(items)
        if items:
            yield ""
            yield title
            yield from ("- " + _one_line(item) for item in items)

    def lines() -> Iterator[str]:
        yield _one_line(f"{lv.id} — {fr(lv.title)}")
        yield t("table.axis", title=fr(pack.axis(lv.axis).title))
        yield from section(t("table.why"), (fr(x.text) + _mark(x.source) for x in lv.rationale))
        yield from section(t("table.practices"), (fr(x.text) + _mark(x.source) for x in lv.practices))
        yield from section(t("table.vigilance"), (fr(x.text) + _mark(x.source) for x in lv.vigilance))
        named = [c.name + (f" ({c.kind})" if c.kind else "") for c in cited]
        if cited or proposed:
            yield from section(t("table.cases_cited"), named or [t("table.no_cited")])
            yield from section(t("table.cases_proposed"), (_proposed(c, lv.id) for c in proposed))
            if pack.observed:
                yield from ("", _one_line(fr(pack.observed.text) + _mark(pack.observed.source)))
        elif lv.no_case:
            yield from section(t("table.cases_cited"), [fr(lv.no_case.text) + _mark(lv.no_case.source)])
        yield from section(t("table.questions"), (f"{q.id} {fr(q.text)}" for q in pack.questions_for(lv.id)))
        yield from section(t("table.actions"), (_action(a) for a in actions_for(pack, lv.id)))
        yield ""
        yield t("table.editorial_mark")

    return _lines(lines())


def cases_text(pack: Pack, lever_id: str | None = None) -> str:
    """One line per territory: id, name, its levers (comma-separated, `*` where the link is
    cooplevier's), what the deck says (then, for a link of cooplevier's, why it was made)."""
    cases = pack.cases_for(lever_id) if lever_id else pack.cases
    if lever_id and not cases:  # said, as on screen, rather than an empty output
        lever = pack.lever(lever_id)
        return _lines([fr(lever.no_case.text) + _mark(lever.no_case.source) if lever.no_case else t("table.no_case")])
    rows = (
        _row(
            c.id,
            c.name,
            ",".join(link.lever + _mark(link.source).strip() for link in c.levers),
            " — ".join(
                [fr(c.summary.text) + _mark(c.summary.source)]
                + [
                    t("table.link_note", lever=link.lever, note=fr(link.note or ""))
                    for link in c.levers
                    if link.source == "editorial" and (lever_id is None or link.lever == lever_id)
                ]
            ),
        )
        for c in cases
    )
    return _lines(rows)


def _action(action: Action) -> str:
    """An action on one line: the panel's lines (cli/tables.py, the one wording of an action)
    joined by « — »."""
    from cooplevier.cli import tables

    return " — ".join(line.strip() for line in tables._action(action).plain.splitlines() if line.strip())


def _proposed(case: Case, lever_id: str) -> str:
    """A territory cooplevier links to the lever, marked, with why."""
    note = next((link.note for link in case.levers if link.lever == lever_id), None)
    return case.name + EDITORIAL + (" — " + fr(note) if note else "")


def _link_source(links: Iterable[CaseLink], lever_id: str) -> str:
    return next((link.source for link in links if link.lever == lever_id), "")


def _lines(lines: Iterable[str]) -> str:
    text = "\n".join(lines)
    return text + "\n" if text else ""
