"""Batch throughput and memory, measured side by side in one run (issue 5).

Targets:
- `cooplevier score DIR --format csv --output out.csv` over 10 000 answer files takes no longer
  than a bare single-process loop that only parses the same files with PyYAML's C loader
  (`yaml.load(f, Loader=yaml.CSafeLoader)`): ratio <= 1.0;
- the peak memory (ru_maxrss of the command and its worker processes) for 10 000 files is
  within 1.5x the peak for 100 files.

Both sides run as child processes (interpreter start-up included on both), interleaved, after
a warm-up run; the medians are compared. Usage: `python benchmarks/bench_batch.py [--files N]`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROLES = ("elu", "technicien", "societe-civile", "partenaire", "autre")
BARE_LOOP = """
import os, sys, yaml
files = []
for root, dirs, names in os.walk(sys.argv[1]):
    dirs.sort()
    files += [os.path.join(root, n) for n in names if n.endswith(('.yaml', '.yml'))]
for path in sorted(files):
    with open(path, 'rb') as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
"""


def pack_facts() -> tuple[list[str], str]:
    """The question ids and the pack reference of the shipped pack."""
    sys.path.insert(0, str(ROOT / "src"))
    from cooplevier.content.load import load_pack

    pack = load_pack()
    return [q.id for q in pack.questions], pack.ref


def generate(folder: Path, count: int, seed: int = 5) -> None:
    """`count` realistic answer files: most questions answered, some na/unknown, comments."""
    rng = random.Random(seed)
    ids, ref = pack_facts()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        base = rng.randint(1, 5)
        lines = [
            "cooplevier: answers/1",
            f"territory: Communauté de communes n°{i % 137}",
            "respondent:",
            f"  name: Participant {i}",
            f"  role: {rng.choice(ROLES)}",
            f"date: 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"content: {ref}",
            f"targets: {{L{rng.randint(1, 10)}: {rng.randint(2, 5)}}}",
            "answers:",
        ]
        for qid in ids:
            roll = rng.random()
            if roll < 0.08:
                continue
            if roll < 0.12:
                value = "na"
            elif roll < 0.16:
                value = "unknown"
            else:
                value = str(min(5, max(1, base + rng.randint(-1, 1))))
            if rng.random() < 0.05:
                lines.append(f'  {qid}: {{level: {value}, comment: "Point discuté en réunion le {i % 28 + 1}"}}')
            else:
                lines.append(f"  {qid}: {value}")
        sub = folder / f"lot-{i // 1000:02d}"
        sub.mkdir(exist_ok=True)
        (sub / f"reponses-{i:05d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(cmd: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (KiB, the process and its waited-for children) of `cmd`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-800:]}")
    return elapsed, usage.ru_maxrss


def score_cmd(folder: Path, out: Path) -> list[str]:
    cmd = [sys.executable, "-m", "cooplevier", "score", str(folder), "--format", "csv"]
    return [*cmd, "--output", str(out), "--force"]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cooplevier-bench-") as tmp:
        big, small, out = Path(tmp) / "big", Path(tmp) / "small", Path(tmp) / "out.csv"
        t0 = time.perf_counter()
        generate(big, args.files)
        generate(small, args.small)
        print(f"generated {args.files} + {args.small} answer files in {time.perf_counter() - t0:.1f}s")
        bare = [sys.executable, "-c", BARE_LOOP, str(big)]
        run(bare), run(score_cmd(big, out))  # warm-up: disk cache, bytecode
        bare_times, score_times, big_rss, small_rss = [], [], [], []
        for _ in range(args.runs):
            bare_times.append(run(bare)[0])
            elapsed, rss = run(score_cmd(big, out))
            score_times.append(elapsed)
            big_rss.append(rss)
            small_rss.append(run(score_cmd(small, out))[1])
        rows = sum(1 for _ in out.open(encoding="utf-8-sig")) - 1
        assert rows == args.small, f"the CSV holds {rows} rows"
    results = {
        "bare_parse_s": statistics.median(bare_times),
        "score_csv_s": statistics.median(score_times),
        "throughput_ratio": statistics.median(score_times) / statistics.median(bare_times),
        "rss_small_mib": statistics.median(small_rss) / 1024,
        "rss_big_mib": statistics.median(big_rss) / 1024,
        "memory_ratio": statistics.median(big_rss) / statistics.median(small_rss),
    }
    print(f"bare C-loader parse of {args.files} files : {results['bare_parse_s']:.2f} s (median of {args.runs})")
    print(f"cooplevier score --format csv            : {results['score_csv_s']:.2f} s")
    print(f"throughput ratio (score / bare parse)    : {results['throughput_ratio']:.2f}  (target <= 1.0)")
    print(f"peak RSS, {args.small} files                   : {results['rss_small_mib']:.1f} MiB")
    print(f"peak RSS, {args.files} files                 : {results['rss_big_mib']:.1f} MiB")
    print(f"memory ratio ({args.files} / {args.small} files)       : {results['memory_ratio']:.2f}  (target <= 1.5)")
    return results


if __name__ == "__main__":
    main()
