"""A synthesis to circulate: masked with the anonymity rule of the workshop's screen.

`mask(syn, k)` applies `scoring.masking`'s rule (its groups: roles of at least K people shown
apart, smaller ones merged into « autres » or held back) to a synthesis made from counts:

- a group's figure only where at least K of its members scored that row, and no group figure on a
  row where between 1 and K-1 counted people would be left out of the shown cells (subtracting
  the cells from the group's figure would give them away);
- the whole group's figure only where K people scored it;
- never a minimum, a maximum or a range: one person's answer;
- both divergence rules on the people counted; `roles_differ` only between roles shown apart;
- comments keep their role only where that role has at least K people.

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

    def figure(s: Stats) -> Stats:
        return _figure(s, group_of, keys, k)

    levers: dict[str, LeverSynthesis] = {}
    for lid, lv in syn.levers.items():
        stats = figure(lv.stats)
        questions = [QuestionStats(q.id, q.text, figure(q.stats)) for q in lv.questions]
        questions.sort(key=lambda q: (-(q.stats.gap or 0), -(q.stats.dispersion or 0), q.id))
        levers[lid] = dataclasses.replace(lv, stats=stats, divergent=stats.divergent, questions=tuple(questions))
    divergent = tuple(
        lid
        for lid, lv in sorted(levers.items(), key=lambda kv: (-(kv[1].stats.gap or 0), kv[1].number))
        if lv.divergent
    )
    shown = {r for r, n in syn.roles.items() if r != NO_ROLE and n >= k}
    comments = tuple(dataclasses.replace(c, role=c.role if c.role in shown else None) for c in syn.comments)
    return dataclasses.replace(
        syn,
        overall=figure(syn.overall),
        axes={aid: figure(s) for aid, s in syn.axes.items()},
        levers=levers,
        divergent=divergent,
        comments=comments,
        files=(),  # file names may be people's names
        min_group=k,
        held_back=sum(syn.roles[r] for r in held_roles),
    )


def _figure(s: Stats, group_of: Mapping[str, str], keys: list[str], k: int) -> Stats:
    by_group: dict[str, dict[Fraction, int]] = {}
    for role, counts in s.counts.items():
        key = group_of.get(role)
        if key is not None:  # a held-back role counts in no figure
            by_group[key] = agreement.merge([by_group.get(key, {}), counts])
    everyone = agreement.merge(list(by_group.values()))
    n = sum(everyone.values())
    if n < k:
        return Stats(n, None, None, None, None, {}, None)
    total = sum((v * c for v, c in everyone.items()), Fraction(0))
    eligible = [key for key in keys if sum(by_group.get(key, {}).values()) >= k]
    hidden = n - sum(sum(by_group[key].values()) for key in eligible)
    cells: dict[str, Fraction] = {}
    if len(keys) >= 2 and not 0 < hidden < k:
        for key in eligible:
            counts = by_group[key]
            cells[key] = sum((v * c for v, c in counts.items()), Fraction(0)) / sum(counts.values())
    compared = [m for key, m in cells.items() if key not in (OTHERS, EVERYONE)]
    role_cells = {key: by_group[key] for key in cells if key not in (OTHERS, EVERYONE)}
    return Stats(
        n,
        total / n,
        None,
        None,
        None,
        cells,
        max(compared) - min(compared) if len(compared) >= 2 else None,
        divergent=agreement.divergent(everyone),
        roles_differ=agreement.roles_differ(role_cells, list(role_cells)),
        dispersion=agreement.dispersion(everyone),
        gap=agreement.trimmed_gap(everyone),
    )
