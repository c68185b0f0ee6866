"""Simulated rooms that chose the divergence rule's thresholds (docs/scoring.md, « Divergence »).

Not part of the test suite (it takes about a minute): run it by hand when a threshold changes,
and paste its table into docs/scoring.md.

    python benchmarks/simulate_divergence.py [--draws 1000] [--seed 19]

Each room is n people answering a lever's questions (5, the full form, or 1, the short form). A
person holds a view (a step) and answers it with noise: the same step 60 % of the time, one step
off 34 % (17 % each side), two steps off 6 %, clipped to 1..5. Rooms:

- consensus: everyone's view is 3;
- outlier: everyone at 3 but one person at 5;
- minority ¼: max(2, ⌈n/4⌉) people at 5, the rest at 3 (at least two people and a quarter: the
  rule's very edge, so about half of these rooms are flagged once noise moves one of them);
- minority 30 %: max(2, ⌈0.3·n⌉) people at 5, the rest at 3;
- split: half the room at 2, half at 4;
- role gap: two roles of n/2 (n ≥ 6), one at 3, the other at 4 (one step);
- role same: two roles of n/2, both at 3, one person of the first at 5 (an outlier in a role).

Rules compared, on the respondents' lever scores (their mean over the lever's questions):
- range ≥ 2.5 (the rule before turn 3);
- AD_Md > 5/6 (Burke & Dunlap's c/6);
- trimmed gap ≥ 2, ≥ 1.5 and ≥ 1.25 (the k-th highest minus the k-th lowest, k = max(2, ⌈n/4⌉));
- per question: trimmed gap ≥ 2 on at least two questions (the only one on the short form);
and for two roles: medians one step apart and Cliff's |delta| ≥ 0.474 (roles of at least 3).
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Callable, Sequence
from fractions import Fraction

from cooplevier.scoring import agreement

SIZES = (3, 4, 5, 6, 8, 10, 12, 16, 20, 30, 50)
NOISE = ((0, 60), (-1, 17), (1, 17), (-2, 3), (2, 3))
_OFFSETS = [d for d, w in NOISE for _ in range(w)]

Room = list[tuple[str, list[int]]]  # (role, answers to the lever's questions)


def answers(rng: random.Random, view: int, questions: int) -> list[int]:
    return [min(5, max(1, view + rng.choice(_OFFSETS))) for _ in range(questions)]


def room(kind: str, n: int, questions: int, rng: random.Random) -> Room:
    views: list[tuple[str, int]]
    if kind == "consensus":
        views = [("a", 3)] * n
    elif kind == "outlier":
        views = [("a", 3)] * (n - 1) + [("a", 5)]
    elif kind in ("minority ¼", "minority 30 %"):
        m = max(2, math.ceil(n / 4 if kind == "minority ¼" else 0.3 * n))
        views = [("a", 3)] * (n - m) + [("a", 5)] * m
    elif kind == "split":
        views = [("a", 2)] * (n // 2) + [("a", 4)] * (n - n // 2)
    elif kind == "role gap":
        views = [("a", 3)] * (n // 2) + [("b", 4)] * (n - n // 2)
    elif kind == "role same":
        views = [("a", 5)] + [("a", 3)] * (n // 2 - 1) + [("b", 3)] * (n - n // 2)
    else:
        raise ValueError(kind)
    return [(role, answers(rng, view, questions)) for role, view in views]


def lever_scores(r: Room) -> list[Fraction]:
    return [Fraction(sum(a), len(a)) for _, a in r]


def _trimmed(gap: Fraction) -> Callable[[Room], bool]:
    def rule(r: Room) -> bool:
        g = agreement.trimmed_gap(agreement.counts_of(lever_scores(r)))
        return g is not None and g >= gap

    return rule


def range_rule(r: Room) -> bool:
    s = lever_scores(r)
    return max(s) - min(s) >= Fraction(5, 2)


def ad_rule(r: Room) -> bool:
    d = agreement.dispersion(agreement.counts_of(lever_scores(r)))
    return d is not None and d > Fraction(5, 6)


def per_question(r: Room) -> bool:
    questions = len(r[0][1])
    flagged = 0
    for i in range(questions):
        g = agreement.trimmed_gap(agreement.counts_of([a[i] for _, a in r]))
        flagged += g is not None and g >= 2
    return flagged >= min(2, questions)


def roles_rule(r: Room) -> bool:
    by_role: dict[str, list[Fraction]] = {}
    for (role, _), score in zip(r, lever_scores(r), strict=True):
        by_role.setdefault(role, []).append(score)
    counts = {role: agreement.counts_of(v) for role, v in by_role.items()}
    return bool(agreement.roles_differ(counts, ["a", "b"]))


RULES: dict[str, Callable[[Room], bool]] = {
    "range ≥ 2.5 (avant)": range_rule,
    "AD_Md > 5/6": ad_rule,
    "par question ≥ 2 (2 q.)": per_question,
    "écart tronqué ≥ 2": _trimmed(Fraction(2)),
    "écart tronqué ≥ 1,5 (retenu)": _trimmed(Fraction(3, 2)),
    "écart tronqué ≥ 1,25": _trimmed(Fraction(5, 4)),
}
GROUP_ROOMS = ("consensus", "outlier", "minority ¼", "minority 30 %", "split")
ROLE_ROOMS = ("role gap", "role same")


def rate(kind: str, n: int, questions: int, rule: Callable[[Room], bool], draws: int, seed: int) -> float:
    rng = random.Random(f"{seed}-{kind}-{n}-{questions}")
    return sum(rule(room(kind, n, questions, rng)) for _ in range(draws)) / draws


def table(questions: int, draws: int, seed: int, sizes: Sequence[int]) -> str:
    head = "| règle | n | " + " | ".join(GROUP_ROOMS) + " |"
    lines = [head, "|" + "---|" * (len(GROUP_ROOMS) + 2)]
    for name, rule in RULES.items():
        for n in sizes:
            cells = [f"{rate(kind, n, questions, rule, draws, seed):.2f}" for kind in GROUP_ROOMS]
            lines.append(f"| {name} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def role_table(questions: int, draws: int, seed: int, sizes: Sequence[int]) -> str:
    lines = ["| n | " + " | ".join(ROLE_ROOMS) + " |", "|---|---|---|"]
    for n in (s for s in sizes if s >= 6):
        cells = [f"{rate(kind, n, questions, roles_rule, draws, seed):.2f}" for kind in ROLE_ROOMS]
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    for questions, label in ((5, "formulaire complet (5 questions par levier)"), (1, "formulaire court (1 question)")):
        print(f"\n### Le groupe ne s'accorde pas — {label}\n")
        print(table(questions, args.draws, args.seed, SIZES))
        print(f"\n### Deux rôles voient le levier différemment — {label}\n")
        print(role_table(questions, args.draws, args.seed, SIZES))


if __name__ == "__main__":
    main()
