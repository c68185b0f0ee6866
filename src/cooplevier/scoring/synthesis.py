"""Workshop synthesis: where élus, technicians and civil society agree, and where they diverge.

Two rules (docs/scoring.md, « Divergence »; `scoring.agreement`): `divergent` says whether the
group agrees on a lever (a quarter of the group, at least two people, 1.5 steps or more from
another quarter; None below four scorers); `roles_differ` names the pairs of roles, each of at
least three people, that see it differently. One person never flags anything.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from cooplevier.content.model import ROLES, Pack
from cooplevier.errors import CooplevierError, shown
from cooplevier.messages import t
from cooplevier.scoring import agreement
from cooplevier.scoring.batch import Batch
from cooplevier.scoring.engine import Result

ROLE_GAP = 1.5  # kept for the wording of older templates; the rule is `scoring.agreement`
SPREAD = 2.5
TOP_QUESTIONS = 3
NO_ROLE = "sans-role"  # respondents who gave no role: counted, never compared as a group


@dataclass(frozen=True, slots=True)
class Stats:
    """Scores of one lever, axis or question across respondents (None where nobody scored it)."""

    n: int
    mean: Fraction | None
    min: Fraction | None
    max: Fraction | None
    spread: Fraction | None
    by_role: Mapping[str, Fraction]
    role_gap: Fraction | None  # highest role mean minus lowest, over roles (not NO_ROLE)
    divergent: bool | None = None  # rule 1: the group does not agree; None: too few to judge
    roles_differ: tuple[tuple[str, str], ...] = ()  # rule 2
    dispersion: Fraction | None = None  # AD_Md: mean distance to the median, in steps
    gap: Fraction | None = None  # the trimmed gap the rule reads (k-th highest - k-th lowest)
    counts: Mapping[str, Mapping[Fraction, int]] = dataclasses.field(default_factory=dict)  # role -> score -> people


@dataclass(frozen=True, slots=True)
class QuestionStats:
    id: str
    text: str
    stats: Stats


@dataclass(frozen=True, slots=True)
class LeverSynthesis:
    id: str
    number: int
    title: str
    axis: str
    stats: Stats
    divergent: bool | None  # rule 1; None: too few scored answers to judge
    questions: tuple[QuestionStats, ...]  # most divergent first

    @property
    def roles_differ(self) -> tuple[tuple[str, str], ...]:
        """Rule 2: the pairs of roles that see this lever differently."""
        return self.stats.roles_differ

    @property
    def discuss(self) -> tuple[QuestionStats, ...]:
        """The questions to discuss first: where views differ at all, most first."""
        return tuple(
            q for q in self.questions[:TOP_QUESTIONS] if (q.stats.gap or 0) > 0 or (q.stats.dispersion or 0) > 0
        )


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment typed by a respondent, without their name; role None where it is masked."""

    lever: str
    question: str
    text: str
    role: str | None


@dataclass(frozen=True, slots=True)
class Synthesis:
    respondents: int
    roles: Mapping[str, int]
    territories: tuple[str, ...]
    files: tuple[str, ...]
    overall: Stats
    axes: Mapping[str, Stats]
    levers: Mapping[str, LeverSynthesis]
    divergent: tuple[str, ...]
    refused: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()  # pack versions the files were read as
    short_forms: int = 0  # respondents who answered the short form: a coarser picture
    unscored: int = 0  # files with no scored answer (a workshop participant who only joined): counted, said
    comments: tuple[Comment, ...] = ()  # in questionnaire order, then as read
    dates: tuple[str, ...] = ()  # the first and the last answer date (ISO), when files carry one
    structures: tuple[str, ...] = ()  # the structure types the files name
    min_group: int = 1  # K of the anonymity rule it was masked with; 1: the unmasked working copy
    held_back: int = 0  # people left out of every figure by the anonymity rule

    @property
    def attendance(self) -> dict[str, int]:
        """Respondents by role, for the roles at or above `min_group` (a count is never an answer)."""
        return {r: n for r, n in self.roles.items() if r != NO_ROLE and n >= self.min_group}

    @property
    def discuss_first(self) -> tuple[str, ...]:
        """« À discuter en premier » (`agreement.discuss_first`)."""
        levers = sorted(self.levers.values(), key=lambda lv: lv.number)
        return agreement.discuss_first((lv.id, lv.divergent, bool(lv.roles_differ), lv.stats.mean) for lv in levers)


Exact = tuple[int, int]  # a score as (numerator, denominator): cheap to hash, count and send


def exact(value: Fraction | int | None) -> Exact | None:
    if value is None:
        return None
    return (value, 1) if isinstance(value, int) else (value.numerator, value.denominator)


class Tally:
    """How often each score occurs, per role, for one lever, axis or question.

    Scores are means of a few steps, so they take few distinct values: counting them keeps the
    synthesis of fifty thousand files exact and its memory flat (nothing is kept per file).
    """

    __slots__ = ("roles",)

    def __init__(self) -> None:
        self.roles: dict[str, dict[Exact, int]] = {}

    def add(self, role: str, value: Exact | None) -> None:
        if value is not None:
            counts = self.roles.setdefault(role, {})
            counts[value] = counts.get(value, 0) + 1

    def stats(self, roles: Sequence[str] | None = None) -> Stats:
        """The figures and both divergence rules on exact values (a gap of 1.496 is never 1.5).

        `roles`: only these roles count (a masked synthesis leaves small roles out)."""
        return stats_of_counts(
            {
                role: {Fraction(*v): k for v, k in counts.items()}
                for role, counts in self.roles.items()
                if roles is None or role in roles
            }
        )


def stats_of_counts(by_role: Mapping[str, Mapping[Fraction, int]]) -> Stats:
    """Stats of scores counted per role: figures, the group rule and the roles rule."""
    if not any(by_role.values()):
        return Stats(0, None, None, None, None, {}, None)
    means: dict[str, Fraction] = {}
    n, total = 0, Fraction(0)
    kept: dict[str, Mapping[Fraction, int]] = {}
    for role in [*ROLES, NO_ROLE, *sorted(set(by_role) - {*ROLES, NO_ROLE})]:
        counts = by_role.get(role)
        if not counts:
            continue
        count = sum(counts.values())
        role_total = sum((v * k for v, k in counts.items()), Fraction(0))
        means[role] = role_total / count
        n, total = n + count, total + role_total
        kept[role] = counts
    everyone = agreement.merge(list(kept.values()))
    low, high = min(everyone), max(everyone)
    compared = [m for r, m in means.items() if r != NO_ROLE]
    role_gap = max(compared) - min(compared) if len(compared) >= 2 else None
    return Stats(
        n,
        total / n,
        low,
        high,
        high - low,
        means,
        role_gap,
        divergent=agreement.divergent(everyone),
        roles_differ=agreement.roles_differ(kept, [r for r in kept if r != NO_ROLE]),
        dispersion=agreement.dispersion(everyone),
        gap=agreement.trimmed_gap(everyone),
        counts=kept,
    )


def stats(values: Iterable[tuple[str, Fraction | int | None]]) -> Stats:
    """Stats of (role, score) pairs; None scores (nothing answered) are left out."""
    tally = Tally()
    for role, value in values:
        tally.add(role, exact(value))
    return tally.stats()


def is_divergent(s: Stats) -> bool:
    return s.divergent is True


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one respondent brings to a synthesis: a few hundred bytes, sent from a worker process."""

    file: str
    territory: str
    role: str
    version: str | None  # the pack version the file was read as: its own when migrated, else the pack's
    form: str | None
    overall: Exact | None
    axes: tuple[Exact | None, ...]  # in the pack's axis order
    levers: tuple[Exact | None, ...]  # in the pack's lever order
    steps: bytes  # the step chosen for each question, in `pack.questions` order; 0: none
    date: str | None = None
    structure: str | None = None
    comments: tuple[tuple[str, str], ...] = ()  # (question id, text)


def as_contribution(result: Result, pack: Pack) -> Contribution:
    """`convert` for a synthesis (module-level, so that worker processes can use it)."""
    version = result.migrated_from or pack.meta.version  # a file not migrated was read as the current version
    chosen = {q.id: q.value for lv in result.levers.values() for q in lv.questions if type(q.value) is int}
    return Contribution(
        file=result.file or "",
        territory=result.territory,
        role=result.role or NO_ROLE,
        version=version,
        form=result.form,
        overall=exact(result.overall.mean),
        axes=tuple(exact(result.axes[a.id].mean) for a in pack.axes),
        levers=tuple(exact(result.levers[lv.id].mean) for lv in pack.levers),
        steps=bytes(int(chosen.get(q.id, 0)) for q in pack.questions),
        date=result.date,
        structure=result.structure,
        comments=result.comments,
    )


def same_territory(name: str) -> str:
    """A territory's name as compared: « Île-de-France » typed in NFC or NFD, any case, is one."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def synthesize(items: Iterable[Result | Contribution], pack: Pack, *, refused: Sequence[str] = ()) -> Synthesis:
    """Aggregate scored answer files (one per respondent) into the group's picture, streaming."""
    overall = Tally()
    axes = [Tally() for _ in pack.axes]
    levers = [Tally() for _ in pack.levers]
    questions = [Tally() for _ in pack.questions]
    counts: dict[str, int] = {}
    territories: dict[str, str] = {}  # compared name -> first spelling met
    versions: set[str] = set()
    dates: set[str] = set()
    structures: set[str] = set()
    said: list[tuple[str, str, str]] = []  # (question, text, role)
    short = respondents = unscored = 0
    for item in items:
        c = item if isinstance(item, Contribution) else as_contribution(item, pack)
        respondents += 1
        unscored += c.overall is None
        role = c.role
        counts[role] = counts.get(role, 0) + 1
        territories.setdefault(same_territory(c.territory), c.territory)
        if c.version:
            versions.add(c.version)
        short += c.form == "short"
        if c.date:
            dates.add(c.date)
        if c.structure:
            structures.add(c.structure)
        said.extend((qid, text, role) for qid, text in c.comments)
        overall.add(role, c.overall)
        for tally, value in zip(axes, c.axes, strict=True):
            tally.add(role, value)
        for tally, value in zip(levers, c.levers, strict=True):
            tally.add(role, value)
        for tally, step in zip(questions, c.steps, strict=True):
            if step:
                tally.add(role, (step, 1))
    by_question = {q.id: tally.stats() for q, tally in zip(pack.questions, questions, strict=True)}
    lever_views: dict[str, LeverSynthesis] = {}
    for lever, tally in zip(pack.levers, levers, strict=True):
        lever_stats = tally.stats()
        qs = [QuestionStats(q.id, q.text, by_question[q.id]) for q in pack.questions_for(lever.id)]
        qs.sort(key=lambda q: (-(q.stats.gap or 0), -(q.stats.dispersion or 0), q.id))
        lever_views[lever.id] = LeverSynthesis(
            lever.id, lever.number, lever.title, lever.axis, lever_stats, lever_stats.divergent, tuple(qs)
        )
    divergent = tuple(
        lid
        for lid, lv in sorted(lever_views.items(), key=lambda kv: (-(kv[1].stats.gap or 0), kv[1].number))
        if lv.divergent
    )
    order = {q.id: i for i, q in enumerate(pack.questions)}
    lever_of = {q.id: q.lever for q in pack.questions}
    said.sort(key=lambda c: order.get(c[0], len(order)))  # stable: as read within a question
    return Synthesis(
        respondents=respondents,
        roles={role: counts[role] for role in [*ROLES, NO_ROLE] if role in counts},
        territories=tuple(territories.values()),
        files=(),
        overall=overall.stats(),
        axes={a.id: tally.stats() for a, tally in zip(pack.axes, axes, strict=True)},
        levers=lever_views,
        divergent=divergent,
        refused=tuple(refused),
        versions=tuple(sorted(versions)),
        short_forms=short,
        unscored=unscored,
        comments=tuple(Comment(lever_of.get(q, ""), q, text, role) for q, text, role in said),
        dates=(min(dates), max(dates)) if dates else (),
        structures=tuple(sorted(structures)),
    )


def synthesize_batch(results: Batch[Contribution] | Batch[Result], pack: Pack) -> Synthesis:
    """The synthesis of the valid files of a batch, naming the refused ones; none valid is an error.

    The file names are the batch's own (no copy is made per respondent)."""
    syn = synthesize(results, pack)
    if results.count == 0:
        raise CooplevierError(t("batch.no_valid_file"))
    refused = {r.file for r in results.refused}
    files = [shown(item) for item in results.items if isinstance(item, str) and shown(item) not in refused]
    return dataclasses.replace(syn, files=tuple(files), refused=tuple(r.file for r in results.refused))
