"""Run every benchmark of the project in one go and print the ratios: `python benchmarks/run.py`.

Options are passed to the batch benchmark (e.g. `--files 2000 --runs 1` for a quick look).
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    sys.path.insert(0, str(HERE))
    import bench_batch

    print("== batch scoring: throughput and memory ==")
    results = bench_batch.main(sys.argv[1:])
    startup = HERE / "bench_startup.py"
    if startup.exists():
        print("\n== start-up ==")
        saved, sys.argv = sys.argv, [str(startup)]
        try:
            runpy.run_path(str(startup), run_name="__main__")
        except SystemExit as exc:
            if exc.code not in (None, 0):
                print(f"start-up benchmark failed: {exc.code}")
        finally:
            sys.argv = saved
    print("\n== workshop server: 300 participants at once ==")
    import bench_atelier

    atelier = bench_atelier.main([])
    ok = results["throughput_ratio"] <= 1.0 and results["memory_ratio"] <= 1.5
    print("\nbatch targets:", "met" if ok else "NOT met")
    atelier_ok = atelier["errors"] == 0 and atelier["lost"] == 0
    print("atelier targets (0 errors, 0 lost answers):", "met" if atelier_ok else "NOT met")


if __name__ == "__main__":
    main()
