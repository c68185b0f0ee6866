"""The folder app (`python packaging/build_app.py`): its size, and its `--help` start-up against
the venv's `cooplevier --help`, measured side by side in the same run.

Target (issue 23): the folder app's `--help` at most 60 ms slower than the venv's (medians).
Without a build (`dist/cooplevier/cooplevier` missing), it says so and is skipped: it measures
what is there, it never builds (a build takes minutes).

    python benchmarks/bench_app.py [--runs 30] [--app dist/cooplevier/cooplevier]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
APP = ROOT / "dist" / "cooplevier" / ("cooplevier.exe" if sys.platform == "win32" else "cooplevier")
TARGET_MS = 60.0


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def cpu_ms(cmd: list[str], runs: int) -> float | None:
    """Median CPU time (user + system) of `cmd`: less moved than wall time by a loaded machine."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    import statistics
    import subprocess

    samples = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    return statistics.median(samples)


def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--app", type=Path, default=APP)
    options = parser.parse_args(argv)
    if not options.app.is_file():
        print(f"skipped: no folder app at {options.app} (build it: python packaging/build_app.py)")
        return {}
    venv = shutil.which("cooplevier", path=str(Path(sys.executable).parent))
    if venv is None:
        print("skipped: no `cooplevier` in this Python's environment (pip install -e .)")
        return {}
    sys.path.insert(0, str(HERE))
    from bench_startup import compare

    size = folder_size(options.app.parent)
    medians = compare(
        {"venv cooplevier --help": [venv, "--help"], "folder app --help": [str(options.app), "--help"]},
        options.runs,
        ROOT,
    )
    delta_ms = (medians["folder app --help"] - medians["venv cooplevier --help"]) * 1000
    print(f"folder app: {options.app.parent} — {size / 2**20:.1f} MiB")
    for name, value in medians.items():
        print(f"{name:36} {value * 1000:7.1f}ms")
    for name, cmd in (("venv", [venv, "--help"]), ("folder app", [str(options.app), "--help"])):
        cpu = cpu_ms(cmd, options.runs)
        if cpu is not None:
            print(f"{name + ' --help, CPU time':36} {cpu:7.1f}ms")
    mark = "ok" if delta_ms <= TARGET_MS else "OVER"
    print(f"{'folder app slower by':36} {delta_ms:7.1f}ms  target <= {TARGET_MS:.0f}ms {mark}")
    return {"app_size_mib": size / 2**20, "app_help_slower_ms": delta_ms}


if __name__ == "__main__":
    results = main(sys.argv[1:])
    sys.exit(1 if results and results["app_help_slower_ms"] > TARGET_MS else 0)
