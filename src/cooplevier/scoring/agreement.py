"""Does a group agree on a lever, and do two roles see it differently? (docs/scoring.md)

Two questions, two rules, both on the respondents' lever scores (each person's mean over the
lever's scored questions), both computed from counts (value -> how many people), so that a
synthesis of fifty thousand files needs no list of scores:

1. The group does not agree (`divergent`) when at least a quarter of the scorers, and at least two
   people, stand `GAP` steps or more above at least as many others: the `k`-th highest score
   minus the `k`-th lowest, with k = max(2, ⌈n/4⌉), is `GAP` or more (a trimmed range, the small
   sample form of an interquartile range). One person never can; a clean split of the room does.
   Below `MIN_SCORED` scorers the rule cannot judge: None.
2. Two roles see the lever differently (`roles_differ`) when each has at least `ROLE_MIN` scorers,
   their medians are `ROLE_MEDIAN_GAP` step or more apart, and Cliff's delta (how much more often
   a person of one role scores above a person of the other than below) is `ROLE_DELTA` or more.

The thresholds were chosen by `benchmarks/simulate_divergence.py` (its table is in scoring.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

MIN_SCORED = 4  # below this many scorers: « pas assez de réponses pour juger »
GAP = Fraction(3, 2)  # steps between a quarter of the group and another quarter
ROLE_MIN = 3  # scorers a role needs to be compared
ROLE_MEDIAN_GAP = Fraction(1)
ROLE_DELTA = Fraction(474, 1000)  # Cliff's delta, "large" in Romano et al. (2006)

Counts = Mapping[Fraction, int]  # a score -> how many people gave it


def counts_of(values: Sequence[Fraction | int]) -> dict[Fraction, int]:
    out: dict[Fraction, int] = {}
    for v in values:
        out[Fraction(v)] = out.get(Fraction(v), 0) + 1
    return out


def merge(parts: Sequence[Counts]) -> dict[Fraction, int]:
    out: dict[Fraction, int] = {}
    for part in parts:
        for v, k in part.items():
            out[v] = out.get(v, 0) + k
    return out


def _nth(counts: Counts, rank: int) -> Fraction:
    """The rank-th smallest value (1-based)."""
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    raise ValueError(rank)


def trimmed_gap(counts: Counts) -> Fraction | None:
    """The k-th highest score minus the k-th lowest, k = max(2, ⌈n/4⌉); None below 4 scorers."""
    n = sum(counts.values())
    if n < MIN_SCORED:
        return None
    k = max(2, math.ceil(n / 4))
    return _nth(counts, n - k + 1) - _nth(counts, k)


def divergent(counts: Counts) -> bool | None:
    """Rule 1: the group does not agree (True), agrees (False), or is too small to judge (None)."""
    gap = trimmed_gap(counts)
    return None if gap is None else gap >= GAP


def median(counts: Counts) -> Fraction | None:
    n = sum(counts.values())
    if n == 0:
        return None
    return (_nth(counts, (n + 1) // 2) + _nth(counts, n // 2 + 1)) / 2


def dispersion(counts: Counts) -> Fraction | None:
    """AD_Md: the mean distance to the median, in steps (Burke & Dunlap: above 5/6, « dispersé »)."""
    n = sum(counts.values())
    mid = median(counts)
    if mid is None:
        return None
    return sum((abs(v - mid) * k for v, k in counts.items()), Fraction(0)) / n


def cliffs_delta(a: Counts, b: Counts) -> Fraction | None:
    """P(a > b) − P(a < b) over every pair of one person of each group."""
    na, nb = sum(a.values()), sum(b.values())
    if not na or not nb:
        return None
    above = below = 0
    for va, ka in a.items():
        for vb, kb in b.items():
            if va > vb:
                above += ka * kb
            elif va < vb:
                below += ka * kb
    return Fraction(above - below, na * nb)


def roles_differ(by_role: Mapping[str, Counts], roles: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """Rule 2: the pairs of roles (in `roles` order) that see the lever differently."""
    big = [r for r in roles if sum(by_role.get(r, {}).values()) >= ROLE_MIN]
    pairs = []
    for i, ra in enumerate(big):
        for rb in big[i + 1 :]:
            a, b = by_role[ra], by_role[rb]
            ma, mb, delta = median(a), median(b), cliffs_delta(a, b)
            if ma is None or mb is None or delta is None:
                continue
            if abs(ma - mb) >= ROLE_MEDIAN_GAP and abs(delta) >= ROLE_DELTA:
                pairs.append((ra, rb))
    return tuple(pairs)


def discuss_first(levers: Iterable[tuple[str, bool | None, bool, Fraction | None]]) -> tuple[str, ...]:
    """« À discuter en premier », from each lever's (id, divergent, roles differ, mean) in the
    pack's order: the divergent levers, then those two roles see differently, then the lowest
    score; the pack's order breaks ties and a lever nobody scored comes last. The report, the
    circulated synthesis and the workshop's screen all order their levers by this one rule."""
    rows = list(levers)

    def key(index: int) -> tuple[bool, bool, Fraction, int]:
        _lever, divergent, differ, mean = rows[index]
        return (divergent is not True, not differ, Fraction(6) if mean is None else mean, index)

    return tuple(rows[i][0] for i in sorted(range(len(rows)), key=key))
