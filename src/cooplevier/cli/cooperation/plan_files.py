"""Plan files on the command line beside other inputs: recognised among answer files (`validate`),
read back from a workbook (`import`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cooplevier.cli.app import check_output, load, with_option_files
from cooplevier.errors import CooplevierError, ExitCode, UsageError
from cooplevier.messages import t, tn


def is_plan_file(path: Path) -> bool:
    if path.suffix.lower() not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return any(line.strip().replace('"', "").replace("'", "") == "cooplevier: plan/1" for line in head.splitlines())


def import_plans(workbooks: list[Path], output: Path | None, *, force: bool, content: Path | None) -> ExitCode:
    """`import` of plan workbooks: each becomes a plan/1 file (`plan-<territory>.yaml`, or the
    `--output` file when one workbook is read); every refused cell is named, nothing half-written."""
    from cooplevier.cli.console import message
    from cooplevier.content.plan.plan_sheet import is_plan_workbook, read_plan_workbook
    from cooplevier.content.plan.planfile import dump_plan
    from cooplevier.errors import ErrorGroup
    from cooplevier.files import Output, publish

    for book in workbooks:
        if not is_plan_workbook(book):
            raise UsageError(t("import.not_plan"), file=book)
    to_file = output is not None and output.suffix.lower() in (".yaml", ".yml")
    if to_file and len(workbooks) > 1:
        raise UsageError(t("import.one_plan_file"), file=output)
    inputs = list(with_option_files(workbooks))  # no plan is ever written over a workbook or the pack
    check_output(str(output) if to_file else None, force=force, inputs=inputs)
    pack = load(content)
    refused = 0
    for book in workbooks:
        try:
            plan = read_plan_workbook(book, pack)
        except ErrorGroup as group:
            for error in group.errors:
                message(error.located())
            refused += 1
            continue
        except CooplevierError as exc:
            message(exc.located())
            refused += 1
            continue
        target = output if to_file and output is not None else (output or Path(".")) / _plan_name(plan.territory)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            document = Output.of(dump_plan(plan, comments=(t("import.plan_origin", source=str(book)),)))
            publish(document, str(target), inputs=inputs, force=force)
        except (CooplevierError, OSError) as exc:
            message(exc.located() if isinstance(exc, CooplevierError) else str(exc))
            refused += 1
            continue
        print(tn("import.plan_written", len(plan.actions), source=book, file=target), flush=True)
    return ExitCode.FAILED if refused else ExitCode.OK


def _plan_name(territory: str) -> str:
    import re
    import unicodedata

    text = unicodedata.normalize("NFKD", territory)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].strip("-")
    return f"plan-{slug or 'territoire'}.yaml"


def split_plans(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """For `validate`: the plan files among the paths given, and the rest (answer files, folders, grids)."""
    plans = [p for p in paths if is_plan_file(p)]
    return plans, [p for p in paths if p not in plans]


def check_plans(plans: list[Path], pack: Any, files: list[dict[str, Any]], *, show: bool) -> int:
    """`validate` of plan files: each one said valid, or each of its errors at its line; how many failed."""
    from cooplevier.cli.console import message, terminal_safe
    from cooplevier.content.plan.planfile import load_plan
    from cooplevier.errors import ErrorGroup

    failed = 0
    for path in plans:
        try:
            plan = load_plan(path, pack)
        except (ErrorGroup, CooplevierError) as exc:
            lines = [e.located() for e in exc.errors] if isinstance(exc, ErrorGroup) else [exc.located()]
            for line in lines:
                message(line)
            files.append({"file": str(path), "kind": "plan", "valid": False, "errors": lines})
            failed += 1
            continue
        files.append({"file": str(path), "kind": "plan", "valid": True, "actions": len(plan.actions)})
        if show:
            print(terminal_safe(tn("plan.valid", len(plan.actions), file=path)), flush=True)
    return failed
