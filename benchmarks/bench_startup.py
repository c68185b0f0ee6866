"""Start-up and report latency against a bare two-command Typer app, measured side by side.

Targets (issue 17): `cooplevier --help` <= 0.6x the bare app's `--help`;
`cooplevier report FILE --format html` <= 1.2x the bare app's `--help`.
Runs are interleaved so that machine noise hits both sides alike; medians are compared.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE_APP = """
import typer

app = typer.Typer()


@app.command()
def hello(name: str) -> None:
    print(f"Hello {name}")


@app.command()
def goodbye(name: str) -> None:
    print(f"Bye {name}")


app()
"""


# As installed (pip compiles every module): a shell with PYTHONDONTWRITEBYTECODE set would have
# cooplevier's modules compiled from source on every run, and the bare app's (installed) not.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-500:]}")
    return elapsed


def compare(cases: dict[str, list[str]], runs: int, cwd: Path) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for cmd in cases.values():  # warm-up: bytecode caches, disk cache
        timed(cmd, cwd)
    for _ in range(runs):
        for name, cmd in cases.items():
            samples[name].append(timed(cmd, cwd))
    return {name: statistics.median(values) for name, values in samples.items()}


def main(runs: int = 30) -> int:
    exe = shutil.which("cooplevier", path=str(Path(sys.executable).parent)) or "cooplevier"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "bare.py").write_text(BARE_APP, encoding="utf-8")
        answers = ROOT / "examples" / "pays-exemple.yaml"
        cases = {
            "bare typer --help": [sys.executable, str(work / "bare.py"), "--help"],
            "cooplevier --help": [exe, "--help"],
            "cooplevier report --format html": [
                exe,
                "report",
                str(answers),
                "--format",
                "html",
                "--output",
                str(work / "r.html"),
                "--force",
            ],
        }
        medians = compare(cases, runs, work)
    base = medians["bare typer --help"]
    targets = {"cooplevier --help": 0.6, "cooplevier report --format html": 1.2}
    print(f"{'case':36} {'median':>9} {'ratio':>7} {'target':>7}")
    failed = False
    for name, value in medians.items():
        ratio = value / base
        target = targets.get(name)
        ok = target is None or ratio <= target
        failed |= not ok
        mark = "" if target is None else ("ok" if ok else "OVER")
        print(f"{name:36} {value * 1000:7.1f}ms {ratio:7.2f} {target or '':>7} {mark}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
