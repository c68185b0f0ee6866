"""The workshop server under a room's load: `python benchmarks/bench_atelier.py [--participants 300]`.

One real server process (`cooplevier atelier DIR --port 0 --format json`), and in this process
N simulated participants (plain HTTP/1.1 keep-alive clients on asyncio, one connection each)
that join and then all answer every question at once, as fast as the server lets them, then
vote (the facilitator opened a priority vote before), while a few probes fetch the stylesheet (a
static asset) over and over. Measured in the same run:

- errors (any answer or ballot not acknowledged by its redirect) and lost answers and ballots
  (acknowledged, not in the participant's file or ballot afterwards, or not in the vote's
  totals): all must be 0;
- p50/p95 latency of an answer (POST to redirect, written and fsynced in between), the p95 of the
  static asset under the same load, and their ratio, which must be at most MAX_RATIO (the
  command exits 1 otherwise);
- start-up: from launching the command to its first line (links printed, socket accepting), and
  to the first page served; median of 5;
- memory: the server's resident size before and after the run, per participant.

The server writes in its event loop or on writer threads, by the speed of the folder's disk
(`cooplevier.atelier.disk`); the run says which, and `--writes threads` measures the other way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_atelier_support import Outcome, RawClient, participate, percentile, start_server  # noqa: E402

ROLES = ["elu", "technicien", "societe-civile", "partenaire", "autre"]
MAX_RATIO = 1.5  # an answer's p95 at most 1.5 times a static file's, under the same load
PROPOSALS = 6
BUDGET = 3
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def open_vote(srv: Any) -> None:
    """The facilitator types PROPOSALS proposals, sets the budget and opens the vote."""
    async with RawClient() as desk:
        csrf = CSRF.search((await desk.get(srv.facilitator)).text).group(1)  # type: ignore[union-attr]
        for i in range(PROPOSALS):
            data = {"csrf": csrf, "action": "ajouter", "lever": f"L{1 + i}", "text": f"Proposition {i + 1}"}
            assert (await desk.post(f"{srv.facilitator}/vote", data=data)).status_code == 303
        for data in ({"action": "regles", "budget": str(BUDGET)}, {"action": "ouvrir"}):
            assert (await desk.post(f"{srv.facilitator}/vote", data={"csrf": csrf, **data})).status_code == 303


async def cast(
    client: Any, link: str, rnd: random.Random, ballot: dict[str, int], latencies: list[float]
) -> str | None:
    """One participant's ballot: the vote page, then its form within the budget; an error or None."""
    page = await client.get(f"{link}/vote")
    found = CSRF.search(page.text)
    if page.status_code != 200 or found is None:
        return f"vote page {page.status_code}"
    for _ in range(BUDGET):
        pid = f"P{rnd.randint(1, PROPOSALS)}"
        ballot[pid] = ballot.get(pid, 0) + 1
    data = {"csrf": found.group(1), **{f"vote-{pid}": str(n) for pid, n in ballot.items()}}
    started = time.perf_counter()
    response = await client.post(f"{link}/vote", data=data)
    latencies.append(time.perf_counter() - started)
    return None if response.status_code == 303 else f"vote {response.status_code}"


def rss_kib(pid: int) -> tuple[int, int]:
    """(current, peak) resident memory of a process, in KiB (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc), in seconds."""
    import os

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def startup(runs: int) -> dict[str, float]:
    to_line, to_page = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            srv = start_server(Path(tmp) / "a")
            to_line.append(time.perf_counter() - started)
            page = asyncio.run(_one_get(srv.participant))
            to_page.append(time.perf_counter() - started)
            assert page == 200
            assert srv.stop() == 0
    return {"to_links_s": statistics.median(to_line), "to_first_page_s": statistics.median(to_page)}


async def _one_get(url: str) -> int:
    async with RawClient() as client:
        return (await client.get(url)).status_code


async def _load(srv: Any, participants: int, probes: int, pace: float) -> dict[str, Any]:
    outcomes = [Outcome() for _ in range(participants)]
    ballots: list[dict[str, int]] = [{} for _ in range(participants)]
    vote_latencies: list[float] = []
    everyone_in = asyncio.Event()
    joined = [0]

    async def after_join() -> None:
        joined[0] += 1
        if joined[0] == participants:
            everyone_in.set()
        await everyone_in.wait()

    async def one(i: int) -> None:
        rnd = random.Random(i)
        async with RawClient(timeout=300) as client:
            try:
                await participate(
                    client,
                    srv.participant,
                    rnd.choice(ROLES),
                    lambda q: rnd.choice([1, 2, 3, 4, 5, "na", "unknown"]),
                    outcome=outcomes[i],
                    after_join=after_join,
                    think=(lambda: rnd.uniform(0.5, 1.5) * pace) if pace else None,
                )
                if not outcomes[i].errors:
                    error = await cast(client, srv.participant, rnd, ballots[i], vote_latencies)
                    if error:
                        outcomes[i].errors.append(error)
            except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
                outcomes[i].errors.append(type(exc).__name__)

    static: list[float] = []
    running = [True]

    async def probe() -> None:
        await everyone_in.wait()
        async with RawClient() as client:
            while running[0]:
                started = time.perf_counter()
                response = await client.get(f"{srv.participant}/static/atelier.css")
                static.append(time.perf_counter() - started)
                assert response.status_code == 200
                await asyncio.sleep(0.25)  # 4 per second each: samples the load without adding much

    probing = [asyncio.ensure_future(probe()) for _ in range(probes)]
    tasks = [asyncio.ensure_future(one(i)) for i in range(participants)]
    await everyone_in.wait()
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    running[0] = False
    await asyncio.gather(*probing)
    answers = [x for o in outcomes for x in o.latencies]
    return {
        "outcomes": outcomes,
        "answers": answers,
        "static": static,
        "elapsed": elapsed,
        "ballots": ballots,
        "votes": vote_latencies,
    }


def lost_ballots(folder: Path, outcomes: list[Outcome], ballots: list[dict[str, int]]) -> int:
    """Ballots acknowledged but not on disk as cast, plus tokens missing from the vote's totals."""
    state = folder / ".cooplevier-atelier"
    lost = 0
    totals: dict[str, int] = {}
    for o, ballot in zip(outcomes, ballots, strict=True):
        if not ballot:
            continue
        pid = o.resume.rsplit("/", 1)[1].split(".")[0]
        path = state / "ballots" / f"{pid}.json"
        saved = json.loads(path.read_text(encoding="utf-8"))["votes"] if path.exists() else {}
        lost += saved != ballot
        for proposal, n in ballot.items():
            totals[proposal] = totals.get(proposal, 0) + n
    kept = json.loads((state / "votes.json").read_text(encoding="utf-8"))
    lost += sum(abs(p["tokens"] - totals.get(p["id"], 0)) for p in kept["proposals"])
    return lost


def lost_answers(folder: Path, outcomes: list[Outcome]) -> int:
    import yaml

    lost = 0
    for o in outcomes:
        pid = o.resume.rsplit("/", 1)[1].split(".")[0]
        saved = yaml.safe_load((folder / f"reponses-{pid}.yaml").read_text(encoding="utf-8"))["answers"]
        lost += sum(1 for qid, value in o.acknowledged.items() if saved.get(qid) != value)
    return lost


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--probes", type=int, default=8)
    parser.add_argument("--startup-runs", type=int, default=5)
    parser.add_argument(
        "--pace",
        type=float,
        default=0.0,
        help="seconds each participant takes per question, on average (0: as fast as served)",
    )
    parser.add_argument(
        "--writes",
        choices=["measured", "loop", "threads"],
        default="measured",
        help="where the server runs its durable writes (atelier.disk): as it measures, or forced",
    )
    args = parser.parse_args(argv)

    boot = startup(args.startup_runs)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "atelier"
        forced = {} if args.writes == "measured" else {"COOPLEVIER_ATELIER_WRITES": args.writes}
        srv = start_server(folder, "--territory", "Banc d'essai", "--join-rate", "1000000", env=forced)
        writes = _writes_place(folder, args.writes)
        asyncio.run(open_vote(srv))
        before, cpu_before = rss_kib(srv.proc.pid)[0], cpu_seconds(srv.proc.pid)
        run = asyncio.run(_load(srv, args.participants, args.probes, args.pace))
        after, peak = rss_kib(srv.proc.pid)
        cpu = cpu_seconds(srv.proc.pid) - cpu_before
        assert srv.stop() == 0
        outcomes = run["outcomes"]
        errors = sum(len(o.errors) for o in outcomes)
        lost = lost_answers(Path(srv.folder), outcomes)
        lost_votes = lost_ballots(Path(srv.folder), outcomes, run["ballots"])
        report = subprocess.run(
            [sys.executable, "-m", "cooplevier", "report", str(folder), "--format", "json"],
            capture_output=True,
            text=True,
        )
        counted = json.loads(report.stdout)["respondents"] if report.returncode == 0 else None
    answers, static = run["answers"], run["static"]
    results = {
        "participants": args.participants,
        "pace_s": args.pace,
        "answers": len(answers),
        "errors": errors,
        "lost": lost,
        "ballots": len(run["votes"]),
        "lost_votes": lost_votes,
        "vote_p95_ms": percentile(run["votes"], 0.95) * 1000 if run["votes"] else None,
        "report_counts": counted,
        "elapsed_s": run["elapsed"],
        "server_cpu_s": cpu,
        "answers_per_s": len(answers) / run["elapsed"],
        "answer_p50_ms": percentile(answers, 0.50) * 1000,
        "answer_p95_ms": percentile(answers, 0.95) * 1000,
        "static_p50_ms": percentile(static, 0.50) * 1000,
        "static_p95_ms": percentile(static, 0.95) * 1000,
        "static_requests": len(static),
        "writes": writes,
        "rss_before_mib": before / 1024,
        "rss_after_mib": after / 1024,
        "rss_peak_mib": peak / 1024,
        "kib_per_participant": (after - before) / args.participants,
        **boot,
    }
    results["p95_ratio"] = results["answer_p95_ms"] / results["static_p95_ms"]
    _print(results)
    return results


def _print(r: dict[str, Any]) -> None:
    pace = f", one question every ~{r['pace_s']:g} s each" if r["pace_s"] else ", as fast as served"
    print(
        f"{r['participants']} participants{pace}: {r['answers']} answers in {r['elapsed_s']:.1f} s "
        f"({r['answers_per_s']:.0f} answers/s)"
    )
    print(f"errors {r['errors']}, lost answers {r['lost']}, report counts {r['report_counts']}")
    print(f"ballots {r['ballots']} (p95 {r['vote_p95_ms'] or 0:.0f} ms), lost or miscounted {r['lost_votes']}")
    print(
        f"server CPU {r['server_cpu_s']:.1f} s for {r['elapsed_s']:.1f} s of load "
        f"({r['server_cpu_s'] / r['elapsed_s'] * 100:.0f} % of one core; it uses one)"
    )
    print(f"durable writes: {r['writes']}")
    print(f"answer latency p50 {r['answer_p50_ms']:.0f} ms, p95 {r['answer_p95_ms']:.0f} ms")
    print(
        f"static asset   p50 {r['static_p50_ms']:.0f} ms, p95 {r['static_p95_ms']:.0f} ms "
        f"({r['static_requests']} requests under the same load)"
    )
    print(f"p95 ratio answer / static: {r['p95_ratio']:.2f} (at most {MAX_RATIO})")
    print(
        f"start-up: links printed after {r['to_links_s'] * 1000:.0f} ms, first page after "
        f"{r['to_first_page_s'] * 1000:.0f} ms (median)"
    )
    print(
        f"memory: {r['rss_before_mib']:.1f} MiB at start, {r['rss_after_mib']:.1f} MiB after "
        f"(peak {r['rss_peak_mib']:.1f}): {r['kib_per_participant']:.0f} KiB per participant"
    )
    print("atelier targets:", "met" if targets_met(r) else "NOT met")


def _writes_place(folder: Path, asked: str) -> str:
    """Where the server runs its writes, by the rule it follows (atelier.disk), said with the figure."""
    from cooplevier.atelier.disk import FAST_S, probe

    if asked != "measured":
        return f"in the {'event loop' if asked == 'loop' else 'writer threads'} (forced)"
    seconds = probe(folder)
    place = "event loop" if seconds < FAST_S else "writer threads"
    return f"in the {place} (a durable write took {seconds * 1000:.2f} ms here; the loop below {FAST_S * 1000:g} ms)"


def targets_met(r: dict[str, Any]) -> bool:
    return (
        r["errors"] == 0
        and r["lost"] == 0
        and r["lost_votes"] == 0
        and r["ballots"] == r["participants"]
        and r["report_counts"] == r["participants"]
        and r["p95_ratio"] <= MAX_RATIO
    )


if __name__ == "__main__":
    sys.exit(0 if targets_met(main()) else 1)
