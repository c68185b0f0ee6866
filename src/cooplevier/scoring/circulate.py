"""A synthesis to circulate: masked with the anonymity rule of the workshop's screen.

`mask(syn, k)` applies `scoring.masking`'s rule (its groups: roles of at least K people shown
apart, smaller ones merged into « autres » or held back) to a synthesis made from counts:

- per question and role, a set of answers counts in a figure only when at least K people gave it
  and they do not all say the same (three élus who all answered 5 would be read from a 5): what the
  workshop publishes to its screen; a figure is the mean of the answers kept, each weighing the
  same (so a lever's masked mean can differ from the working copy's mean of people's scores);
- a group's figure only where it has kept answers; the whole group's only where K people stand
  behind its kept answers;
- never a minimum, a maximum, a range or a dispersion; questions are named, never given a figure;
- both divergence rules on the people counted (a flag, not a figure); `roles_differ` between roles
  shown apart, even where their figure is held back;
- comments keep their role only where that role has at least K people.

All of it from the synthesis's tallies: a masked synthesis of 50 000 files keeps no list of people.

`workshop_min_group(folder)` reads a workshop folder's own K, without importing the workshop
server (a lower layer may not).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

from cooplevier.scoring import agreement
from cooplevier.scoring.masking import EVERYONE, OTHERS, _groups
from cooplevier.scoring.synthesis import NO_ROLE, LeverSynthesis, QuestionStats, Stats, Synthesis

DEFAULT_MIN_GROUP = 3
# The workshop server's state file (atelier/state.py: STATE_DIR, STATE_FILE, STATE_FORMAT; a test
# keeps them equal): read here, so that `report DIR` masks with the workshop's own K.
WORKSHOP_STATE = (".cooplevier-atelier", "state.json")
WORKSHOP_FORMAT = "cooplevier-atelier/1"
_MAX_STATE_BYTES = 64 * 1024


def workshop_min_group(folder: Path) -> int | None:
    """The --min-group a workshop folder was run with; None when it is not a readable workshop folder."""
    try:
        with open(folder.joinpath(*WORKSHOP_STATE), "rb") as fh:
            raw = fh.read(_MAX_STATE_BYTES + 1)
        data = json.loads(raw.decode("utf-8")) if len(raw) <= _MAX_STATE_BYTES else None
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("cooplevier") != WORKSHOP_FORMAT:
        return None
    value = data.get("min_group")
    return value if type(value) is int and value >= 1 else None


def default_min_group(paths: list[Path]) -> int:
    """K when --min-group is not given: the workshop's own for one workshop folder, otherwise 3."""
    if len(paths) == 1 and paths[0].is_dir():
        return workshop_min_group(paths[0]) or DEFAULT_MIN_GROUP
    return DEFAULT_MIN_GROUP


def mask(syn: Synthesis, k: int) -> Synthesis:
    """The synthesis as it may circulate, for K = `k` (1: the facilitator's unmasked working copy)."""
    if k <= 1:
        comments = tuple(dataclasses.replace(c, role=None) if c.role == NO_ROLE else c for c in syn.comments)
        return dataclasses.replace(syn, min_group=1, comments=comments)
    groups, held_roles = _groups(syn.roles, k)
    group_of = {role: g.key for g in groups for role in g.roles}
    keys = [g.key for g in groups]
    questions = {q.id: q.stats for lv in syn.levers.values() for q in lv.questions}

    def figure(s: Stats, asked: list[str]) -> Stats:
        return _figure(s, [questions[q] for q in asked], group_of, keys, k)

    levers: dict[str, LeverSynthesis] = {}
    for lid, lv in syn.levers.items():
        stats = figure(lv.stats, [q.id for q in lv.questions])
        ordered = sorted(lv.questions, key=lambda q: (-(_gap(q.stats, group_of, k) or 0), q.id))
        unfigured = tuple(QuestionStats(q.id, q.text, _unfigured(q.stats, group_of, k)) for q in ordered)
        levers[lid] = dataclasses.replace(lv, stats=stats, divergent=stats.divergent, questions=unfigured)
    axis_of = {lid: lv.axis for lid, lv in syn.levers.items()}
    by_axis = {
        aid: [q.id for lid, lv in syn.levers.items() if axis_of[lid] == aid for q in lv.questions] for aid in syn.axes
    }
    divergent = tuple(
        lid
        for lid, lv in sorted(levers.items(), key=lambda kv: (-(kv[1].stats.gap or 0), kv[1].number))
        if lv.divergent
    )
    shown = {r for r, n in syn.roles.items() if r != NO_ROLE and n >= k}
    comments = tuple(dataclasses.replace(c, role=c.role if c.role in shown else None) for c in syn.comments)
    return dataclasses.replace(
        syn,
        overall=figure(syn.overall, list(questions)),
        axes={aid: figure(s, by_axis[aid]) for aid, s in syn.axes.items()},
        levers=levers,
        divergent=divergent,
        comments=comments,
        files=(),  # file names may be people's names
        min_group=k,
        held_back=sum(syn.roles[r] for r in held_roles),
    )


def _counted(s: Stats, group_of: Mapping[str, str]) -> dict[str, dict[Fraction, int]]:
    """A row's people, by group (a held-back role counts in no figure)."""
    by_group: dict[str, dict[Fraction, int]] = {}
    for role, counts in s.counts.items():
        key = group_of.get(role)
        if key is not None:
            by_group[key] = agreement.merge([by_group.get(key, {}), counts])
    return by_group


def _gap(s: Stats, group_of: Mapping[str, str], k: int) -> Fraction | None:
    everyone = agreement.merge(list(_counted(s, group_of).values()))
    return agreement.trimmed_gap(everyone) if sum(everyone.values()) >= k else None


def _unfigured(s: Stats, group_of: Mapping[str, str], k: int) -> Stats:
    """A question of a masked synthesis is named, ordered, never given a figure: its answers are
    single whole steps, and three people of a role at 5 all answered 5 (the screen's rule 6)."""
    return Stats(s.n, None, None, None, None, {}, None, gap=_gap(s, group_of, k))


def _kept(questions: list[Stats], group_of: Mapping[str, str], k: int) -> tuple[dict[str, dict[Fraction, int]], int]:
    """The answers a figure may pool, by group, and how many people at least stand behind them all.

    Per question and role, a set of answers is kept only when at least K people gave it and they do
    not all say the same: what the workshop publishes to its screen (`atelier.publish`)."""
    kept: dict[str, dict[Fraction, int]] = {}
    people = 0
    for q in questions:
        on_question = 0
        for role, counts in q.counts.items():
            key, given = group_of.get(role), sum(counts.values())
            if key is not None and given >= k and len(counts) >= 2:
                kept[key] = agreement.merge([kept.get(key, {}), counts])
                on_question += given
        people = max(people, on_question)
    return kept, people


def _mean(counts: Mapping[Fraction, int]) -> Fraction:
    return sum((v * c for v, c in counts.items()), Fraction(0)) / sum(counts.values())


def _figure(s: Stats, questions: list[Stats], group_of: Mapping[str, str], keys: list[str], k: int) -> Stats:
    """A lever, axis or the whole: the mean of the kept answers (each answer weighs the same), by
    group where a group has kept answers; both divergence rules on the people counted."""
    by_group = _counted(s, group_of)
    everyone = agreement.merge(list(by_group.values()))
    n = sum(everyone.values())
    if n < k:
        return Stats(n, None, None, None, None, {}, None)
    kept, people = _kept(questions, group_of, k)
    pooled = agreement.merge(list(kept.values()))
    cells = {key: _mean(kept[key]) for key in keys if key in kept} if len(keys) >= 2 else {}
    compared = [m for key, m in cells.items() if key not in (OTHERS, EVERYONE)]
    # roles shown apart (K people or more) are compared even where their figure is held back:
    # « these two roles differ » is a flag about K people and more, never a figure
    role_people = {key: by_group[key] for key in keys if key not in (OTHERS, EVERYONE) and key in by_group}
    return Stats(
        n,
        _mean(pooled) if pooled and people >= k else None,
        None,
        None,
        None,
        cells,
        max(compared) - min(compared) if len(compared) >= 2 else None,
        divergent=agreement.divergent(everyone),
        roles_differ=agreement.roles_differ(role_people, list(role_people)),
        gap=agreement.trimmed_gap(everyone),
    )
