"""Run every benchmark of the project in one go and print the ratios: `python benchmarks/run.py`.

`--quick` runs each with smaller inputs for a look while working; `--only startup` (or another
benchmark's name: batch, synthesis, atelier) runs that one alone. The figures in README.md are
from a full run.
"""

from __future__ import annotations

import importlib
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (module, title, arguments for a quick run, {result key: highest value that meets the target})
BENCHMARKS = [
    (
        "bench_batch",
        "batch scoring: throughput and memory",
        ["--files", "2000", "--runs", "1"],
        {"throughput_ratio": 1.0, "memory_ratio": 1.5},
    ),
    (
        "bench_synthesis",
        "workshop synthesis: memory",
        ["--files", "5000", "--runs", "1"],
        {"synthesis_memory_ratio": 1.5},
    ),
    (
        "bench_atelier",
        "workshop server: 300 participants answering at once",
        ["--participants", "60", "--startup-runs", "2"],
        {"errors": 0, "lost": 0},
    ),
]


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    quick = "--quick" in argv
    only = argv[argv.index("--only") + 1] if "--only" in argv[:-1] else None
    missed: list[str] = []
    for module, title, quick_args, targets in BENCHMARKS:
        if not (HERE / f"{module}.py").exists() or only not in (None, module.removeprefix("bench_")):
            continue
        print(f"== {title} ==")
        results = importlib.import_module(module).main(quick_args if quick else [])
        missed += [
            f"{module}: {key} = {results[key]:.2f} > {limit}" for key, limit in targets.items() if results[key] > limit
        ]
        print()
    if only not in (None, "startup"):
        print("\ntargets:", "all met" if not missed else "NOT met: " + "; ".join(missed))
        return 1 if missed else 0
    print("== start-up ==")
    saved, sys.argv = sys.argv, [str(HERE / "bench_startup.py")] + (["10"] if quick else [])
    try:
        runpy.run_path(sys.argv[0], run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (None, 0):
            missed.append(f"bench_startup: exit {exc.code}")
    finally:
        sys.argv = saved
    print("\ntargets:", "all met" if not missed else "NOT met: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
