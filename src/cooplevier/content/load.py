"""Loading a content pack: read the three files strictly, convert, cross-check, or raise every error."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from pathlib import Path

from cooplevier import cache
from cooplevier.content.migrate import chained
from cooplevier.content.model import (
    OPTIONAL_FILES,
    PACK_FILES,
    CasesFile,
    Framework,
    MigrationsFile,
    Pack,
    QuestionsFile,
)
from cooplevier.content.plan.actions import ActionsFile
from cooplevier.content.plan.calendar import CalendarFile
from cooplevier.content.schema import Converter
from cooplevier.content.strict_yaml import YamlDoc, parse
from cooplevier.errors import ContentError, CooplevierError, ErrorGroup
from cooplevier.messages import t
from cooplevier.textfile import decode, read_bytes

MAX_CONTENT_BYTES = 4 * 1024 * 1024


def default_pack_dir() -> Path:
    from cooplevier.resources import shipped_dir

    return shipped_dir("data")


def load_pack(directory: Path | None = None, *, use_cache: bool = True) -> Pack:
    """Load and cross-check a content pack; every error found is raised in one ErrorGroup.

    A pack that validated once is rebuilt from the user cache (plain data, keyed on the files'
    bytes and on this code) while its files are unchanged (`validate` always checks afresh).
    """
    root = directory if directory is not None else default_pack_dir()
    if not root.is_dir():
        raise ContentError(t("content.not_dir"), file=root)
    raw, errors = _read(root)
    if errors:
        raise ErrorGroup(errors)
    entry = None
    if use_cache:
        entry = cache.key("pack", [_code_digest(), *raw.values()])
        cached = cache.load_json("pack", entry)
        if isinstance(cached, dict):
            with contextlib.suppress(CooplevierError, TypeError, KeyError, AttributeError, ValueError):
                docs = {name: YamlDoc(cached[name], str(root / name), {}, {}) for name in raw}
                said = tuple(str(w) for w in cached.get(_WARNINGS, ()))
                return dataclasses.replace(_build(root, docs, check=False), warnings=said)
    docs = _parse(root, raw)
    said = tuple(w for doc in docs.values() for w in doc.warnings)
    pack = dataclasses.replace(_build(root, docs, check=True), warnings=said)
    if entry is not None:
        cache.store_json("pack", entry, {**{name: doc.data for name, doc in docs.items()}, _WARNINGS: list(said)})
    return pack


_WARNINGS = "_warnings"  # in the cached pack: what reading its files said (not a file name)


def _read(root: Path) -> tuple[dict[str, bytes], list[CooplevierError]]:
    raw: dict[str, bytes] = {}
    errors: list[CooplevierError] = []
    for name in (*PACK_FILES, *OPTIONAL_FILES):
        path = root / name
        if not path.is_file():
            if name in PACK_FILES:
                errors.append(ContentError(t("content.missing_file"), file=path))
            continue
        try:
            raw[name] = read_bytes(path, max_bytes=MAX_CONTENT_BYTES)
        except CooplevierError as exc:
            errors.append(ContentError(exc.message, file=exc.file, line=exc.line, col=exc.col))
    return raw, errors


def _parse(root: Path, raw: dict[str, bytes]) -> dict[str, YamlDoc]:
    docs: dict[str, YamlDoc] = {}
    errors: list[CooplevierError] = []
    for name, data in raw.items():
        file = str(root / name)
        try:
            text, warnings = decode(data, file)
            docs[name] = dataclasses.replace(parse(text, file=file, max_depth=16), warnings=warnings)
        except CooplevierError as exc:
            errors.append(ContentError(exc.message, file=exc.file, line=exc.line, col=exc.col))
    if errors:
        raise ErrorGroup(errors)
    return docs


def _build(root: Path, docs: dict[str, YamlDoc], *, check: bool) -> Pack:
    """The pack from parsed documents: typed conversion, then (unless rebuilt from the cache) the checks."""
    errors: list[CooplevierError] = []
    converters = {name: Converter(doc, ContentError, trusted=not check) for name, doc in docs.items()}
    framework: Framework = converters["levers.yaml"].dataclass(docs["levers.yaml"].data, Framework, ())
    cases_file: CasesFile = converters["cases.yaml"].dataclass(docs["cases.yaml"].data, CasesFile, ())
    questions_file: QuestionsFile = converters["questions.yaml"].dataclass(
        docs["questions.yaml"].data, QuestionsFile, ()
    )
    migrations = MigrationsFile()
    if "migrations.yaml" in docs:
        migrations = converters["migrations.yaml"].dataclass(docs["migrations.yaml"].data, MigrationsFile, ())
    actions = ActionsFile()
    if "actions.yaml" in docs:
        actions = converters["actions.yaml"].dataclass(docs["actions.yaml"].data, ActionsFile, ())
    calendar = CalendarFile()
    if "calendar.yaml" in docs:
        calendar = converters["calendar.yaml"].dataclass(docs["calendar.yaml"].data, CalendarFile, ())
    for conv in converters.values():
        errors.extend(conv.errors)
    if errors:
        raise ErrorGroup(errors)
    if check:
        from cooplevier.content.checks import cross_check  # not for a pack rebuilt from the cache
        from cooplevier.content.plan.calendar import check_calendar
        from cooplevier.content.plan.checks import check_actions

        errors.extend(cross_check(framework, cases_file, questions_file, migrations, docs))
        if "actions.yaml" in docs:
            known = frozenset(d.id for d in calendar.calendar) if "calendar.yaml" in docs else None
            errors.extend(check_actions(framework, actions, docs["actions.yaml"], known))
        if "calendar.yaml" in docs:
            errors.extend(check_calendar(calendar, docs["calendar.yaml"]))
        if errors:
            raise ErrorGroup(errors)
    return Pack(
        framework,
        cases_file.cases,
        questions_file.questions,
        str(root),
        structures=questions_file.structures,
        observed=cases_file.observed,
        migrations=migrations.migrations,
        chains={m.from_: chain for m in migrations.migrations if (chain := chained(migrations.migrations, m.from_))},
        actions=actions.actions,
        calendar=calendar.calendar,
    )


@functools.cache
def _code_digest() -> bytes:
    here = Path(__file__).parent  # the code that reads, converts and checks a pack
    names: tuple[str, ...] = ("__init__", "model", "schema", "checks", "strict_yaml", "load", "migrate")
    names += ("plan/actions", "plan/checks", "plan/calendar")
    return cache.source_digest(*(here / f"{name}.py" for name in names))
