"""Start-up: the hot commands import only what they use (benchmarks/bench_startup.py times them).

Each command runs in a fresh interpreter, and the modules it loaded are read from `sys.modules`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pays-exemple.yaml"

RUN = """
import json, sys
sys.argv = ["cooplevier", *json.loads(sys.argv[1])]
from cooplevier.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
with open({where!r}, "w", encoding="utf-8") as fh:
    json.dump({{"code": code, "modules": sorted(sys.modules)}}, fh)
"""


def loaded(tmp_path: Path, *args: str) -> set[str]:
    """The modules a command loaded, run as `cooplevier ARGS` in a fresh interpreter."""
    where = tmp_path / "modules.json"
    code = RUN.format(where=str(where))
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(list(args))], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(where.read_text(encoding="utf-8"))
    assert result["code"] == 0
    return set(result["modules"])


def test_help_imports_no_command_module_and_no_content_model(tmp_path: Path) -> None:
    modules = loaded(tmp_path, "--help")
    assert "cooplevier.content.model" not in modules
    assert not {m for m in modules if m.startswith("cooplevier.cli.") and m.endswith(("_command", "_commands"))}
    assert "importlib.metadata" not in modules  # the version is read for --version only
    assert "rich" not in modules


def test_a_one_file_report_imports_no_batch_machinery_and_no_office_library(tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    modules = loaded(tmp_path, "report", str(EXAMPLE), "--format", "html", "--output", str(out))
    assert out.stat().st_size > 0
    heavy = {
        "multiprocessing",
        "openpyxl",
        "docx",
        "odf",
        "rich",
        "importlib.metadata",
        "cooplevier.cli.assess_command",
        "cooplevier.scoring.batch",  # one file is read directly
    }
    assert not heavy & modules, heavy & modules
    assert not {m for m in modules if m.startswith(("cooplevier.scoring.workers", "cooplevier.report.office"))}
