"""The workshop synthesis streams: peak memory for 50 000 answer files within 1.5x the peak for 100.

`cooplevier report DIR --format json` over both folders, as child processes, after a warm-up;
peak RSS is `ru_maxrss` from `wait4()` (the command and its worker processes). The time for the
large folder is reported too. Usage: `python benchmarks/bench_synthesis.py [--files N] [--runs R]`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_batch import generate, run  # noqa: E402


def report_cmd(folder: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cooplevier",
        "report",
        str(folder),
        "--format",
        "json",
        "--output",
        str(out),
        "--force",
    ]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cooplevier-bench-") as tmp:
        big, small, out = Path(tmp) / "big", Path(tmp) / "small", Path(tmp) / "out.json"
        t0 = time.perf_counter()
        generate(big, args.files, seed=7)
        generate(small, args.small, seed=8)
        print(f"generated {args.files} + {args.small} answer files in {time.perf_counter() - t0:.1f}s")
        run(report_cmd(small, out))  # warm-up: bytecode, the pack cache
        big_rss, small_rss, big_times = [], [], []
        for _ in range(args.runs):
            elapsed, rss = run(report_cmd(big, out))
            big_times.append(elapsed)
            big_rss.append(rss)
            assert json.loads(out.read_text(encoding="utf-8"))["respondents"] == args.files
            small_rss.append(run(report_cmd(small, out))[1])
    results = {
        "rss_small_mib": statistics.median(small_rss) / 1024,
        "rss_big_mib": statistics.median(big_rss) / 1024,
        "synthesis_memory_ratio": statistics.median(big_rss) / statistics.median(small_rss),
        "synthesis_big_s": statistics.median(big_times),
    }
    print(f"report --format json, {args.small} files : peak {results['rss_small_mib']:.1f} MiB")
    print(
        f"report --format json, {args.files} files : peak {results['rss_big_mib']:.1f} MiB, "
        f"{results['synthesis_big_s']:.1f} s"
    )
    ratio = results["synthesis_memory_ratio"]
    print(f"synthesis memory ratio ({args.files} / {args.small}) : {ratio:.2f}  (target <= 1.5)")
    return results


if __name__ == "__main__":
    main()
