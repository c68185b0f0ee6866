"""Reading an answer file of an older pack version through the pack's migration map.

An answer to a question kept or reworded with the same meaning is carried over (to the same id
or its successor); an answer to a question replaced or removed is not, and the questions that
replaced it are to be asked again. A question whose level 5 alone changed (`level5_changed`)
carries an answer 1 to 4 and asks a 5 again. Maps are chained: a 1.0 file is read through
1.0 → 2.0, then 2.0 → 2.1. Nothing is lost: what is not carried is reported, and kept as
comments when a file is rewritten (`cooplevier migrate`, `assess`). `comparable` tells `compare`
whether an old answer and a new one describe the same situation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cooplevier import charset
from cooplevier.content import dataclass  # the standard one, faster to create (start-up)
from cooplevier.content.model import CARRIED, Migration, MigrationEntry, Pack


@dataclass(frozen=True, slots=True)
class Migrated:
    """How an older file was read: from which version, what was carried, what must be asked again."""

    version: str
    carried: tuple[tuple[str, str], ...]  # (old id, current id)
    dropped: tuple[tuple[str, Any, MigrationEntry], ...]  # answers not carried: id, value as read, why
    ask_again: tuple[str, ...]  # current questions that replace dropped ones

    @property
    def kept(self) -> int:
        return len(self.carried)


def older_version(content: Any, answer_ids: list[str], pack: Pack) -> Migration | None:
    """The migration to read a file with, if it is of an older version of this pack.

    The file's `content: <pack>@<version>` says it; a file without that line whose unknown
    questions are all retired ids of one older version is read as of that version.
    """
    if isinstance(content, str) and "@" in content:
        pack_id, _, version = content.rpartition("@")
        if pack_id == pack.meta.id and version != pack.meta.version:
            return pack.migration(version)
        return None
    if content is not None:
        return None
    unknown = [qid for qid in answer_ids if not pack.has_question(qid)]
    if not unknown:
        return None
    for step in pack.migrations:
        migration = pack.migration(step.from_)
        if migration is not None and all(qid in migration.questions for qid in unknown):
            return migration
    return None


def level_of(raw: Any) -> Any:
    """The level of an answer as written (`5`, `"5"`, `{level: 5, comment: …}`), else the value itself."""
    value = raw.get("level") if isinstance(raw, dict) else raw
    if isinstance(value, str) and value.strip() in ("1", "2", "3", "4", "5"):
        return int(value.strip())
    return value


def carry(
    raw_answers: Mapping[str, Any], migration: Migration, structure: str | None = None
) -> tuple[dict[str, Any], Migrated]:
    """The answers as the current pack reads them, and the report of what was carried (for a file
    of that structure type: a question whose wording for it changed meaning is asked again)."""
    moved: dict[str, Any] = {}
    carried: list[tuple[str, str]] = []
    dropped: list[tuple[str, Any, MigrationEntry]] = []
    ask_again: list[str] = []
    for qid, raw in raw_answers.items():
        entry = migration.questions.get(qid)
        if entry is None:  # not in the map: an id the older version did not have; judged as it is
            moved.setdefault(qid, raw)
            continue
        target = entry.target(qid)
        if target is None or target in moved or not entry.carries(level_of(raw), structure):
            dropped.append((qid, raw, entry))
            again = entry.by if target is None else (target,)
            ask_again.extend(q for q in again if q not in ask_again)
            continue
        moved[target] = raw
        carried.append((qid, target))
    return moved, Migrated(migration.from_, tuple(carried), tuple(dropped), tuple(ask_again))


def successor(pack: Pack, old_version: str, qid: str) -> str | None:
    """The current question an answer to `qid` of `old_version` is carried to, or None."""
    if old_version == pack.meta.version:
        return qid if pack.has_question(qid) else None
    migration = pack.migration(old_version)
    entry = migration.questions.get(qid) if migration else None
    if entry is None:
        return qid if pack.has_question(qid) else None
    return entry.target(qid)


def comparable(
    pack: Pack, old_version: str, qid: str, old_level: Any, new_level: Any, structure: str | None = None
) -> bool:
    """Whether the answer `old_level` to `qid` in `old_version` and `new_level` to its successor
    in the current version describe the same scale, so that a change between them means something.

    Kept and reworded: always. `level5_changed` (along the whole chain of maps): only when neither
    answer is 5, since level 5 describes another situation. Replaced or removed: never; nor for a
    structure type listed in `replaced_for` (its wording changed meaning).
    """
    if old_version == pack.meta.version:
        return True
    migration = pack.migration(old_version)
    entry = migration.questions.get(qid) if migration else None
    if entry is None:
        return pack.has_question(qid)
    if entry.target(qid) is None or (structure is not None and structure in entry.replaced_for):
        return False
    return entry.status != "level5_changed" or (level_of(old_level) != 5 and level_of(new_level) != 5)


def version_key(version: str) -> tuple[int, ...]:
    """« 2.1 » → (2, 1), so that 2.10 comes after 2.9; a part that is not a number counts 0."""
    return tuple(int(part) if charset.is_digits(part) else 0 for part in version.split("."))


def compose(first: Migration, later: Migration) -> Migration:
    """`first` followed by the map of the next version: one map from `first.from_` to the newest ids.

    A carried answer takes the larger change of the two steps (kept < reworded < level5_changed);
    replaced at either step, it is replaced by the successors of the questions that replaced it.
    """

    def onward(qid: str) -> tuple[str, ...]:
        entry = later.questions.get(qid)
        if entry is None:
            return (qid,)
        target = entry.target(qid)
        return (target,) if target is not None else entry.by

    composed: dict[str, MigrationEntry] = {}
    for qid, one in first.questions.items():
        target = one.target(qid)
        if target is None:  # replaced or removed: its successors move on
            by = tuple(dict.fromkeys(q for b in one.by for q in onward(b)))
            composed[qid] = MigrationEntry(one.status, by=by, note=one.note)
            continue
        two = later.questions.get(target)
        if two is None:
            composed[qid] = one
        elif two.target(target) is None:
            composed[qid] = MigrationEntry(two.status, by=two.by, note=two.note)
        else:
            worse = max(one, two, key=lambda e: CARRIED.index(e.status))
            replaced_for = tuple(dict.fromkeys((*one.replaced_for, *two.replaced_for)))
            composed[qid] = MigrationEntry(
                worse.status, to=two.target(target), note=worse.note, replaced_for=replaced_for
            )
    return Migration(first.from_, composed)


def chained(migrations: Sequence[Migration], version: str) -> Migration | None:
    """The map from `version` to the newest one, through every later step; None if there is none."""
    steps = sorted(migrations, key=lambda m: version_key(m.from_))
    start = next((i for i, m in enumerate(steps) if m.from_ == version), None)
    if start is None:
        return None
    composed = steps[start]
    for later in steps[start + 1 :]:
        composed = compose(composed, later)
    return composed
