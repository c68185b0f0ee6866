"""Trust, outputs: never over a file without --force (even in a race), an input is never an output,
every fault of the surroundings gets a French line, and an interrupted command leaves nothing."""

from __future__ import annotations

import errno
import functools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cooplevier import files
from cooplevier.content.model import Pack
from cooplevier.errors import CooplevierError
from cooplevier.typography import typeset
from tests.helpers import all_answers, answers_yaml

Cli = Callable[..., Any]
ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path | None = None, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cooplevier", *args], capture_output=True, text=True, cwd=cwd, timeout=120, **kwargs
    )


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(files.TEMP_PREFIX)]


# ---------------------------------------------------------------- class 2: exclusive creation


def test_two_writers_racing_for_a_new_file_one_wins_the_other_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "plan.txt"
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def writer(n: int) -> None:
        try:
            with files.open_output(str(target)) as fh:
                fh.write(f"writer {n}\n")
                barrier.wait()  # every writer has passed the early check: only the final step decides
            outcomes.append(f"won {n}")
        except CooplevierError as exc:
            outcomes.append("refused" if "existe déjà" in exc.message else exc.message)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o.startswith("won")]
    assert len(winners) == 1 and outcomes.count("refused") == 7
    assert target.read_text() == f"writer {winners[0].split()[1]}\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("errno_code", [errno.EPERM, errno.EOPNOTSUPP])
def test_without_hard_links_creation_is_still_exclusive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, errno_code: int
) -> None:
    def no_links(*_args: object) -> None:
        raise OSError(errno_code, "no hard links on this file system")

    monkeypatch.setattr(files.os, "link", no_links)
    target = tmp_path / "out.csv"
    files.write_output(str(target), "a\n")
    assert target.read_text() == "a\n"
    with pytest.raises(CooplevierError, match="existe déjà"):
        files.write_output(str(target), "b\n")
    assert target.read_text() == "a\n" and leftovers(tmp_path) == []


# ---------------------------------------------------------------- class 3: an input is never an output


@pytest.mark.parametrize("spelling", ["same", "dot", "symlink", "hardlink", "parent"])
@pytest.mark.parametrize(
    "command",
    [
        ["report", "{a}"],
        ["report", "{a}", "{b}"],
        ["score", "{a}"],
        ["compare", "{a}", "{b}"],
        ["handout", "poster", "{a}", "{b}"],
        ["migrate", "{a}"],
    ],
    ids=["report-one", "synthesis", "score", "compare", "poster", "migrate"],
)
def test_an_input_is_never_overwritten_whatever_its_spelling(
    cli: Cli, pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], spelling: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    ext = ".html" if command[0] == "handout" else ".json"  # a suffix the command writes, so only the input rule refuses
    a, b = tmp_path / f"a{ext}", tmp_path / f"b{ext}"  # answer files may have any name when named explicitly
    for path in (a, b):
        path.write_text(answers_yaml(all_answers(pack, 3)), encoding="utf-8")
    before = a.read_bytes()
    output = {"same": str(a), "dot": f"./a{ext}", "parent": f"sub/../a{ext}"}.get(spelling)
    if spelling == "symlink":
        (tmp_path / f"lien{ext}").symlink_to(a)
        output = f"lien{ext}"
    if spelling == "hardlink":
        os.link(a, tmp_path / f"dur{ext}")
        output = f"dur{ext}"
    args = [word.format(a=a, b=b) for word in command]
    result = cli(*args, "--output", str(output), "--force")
    assert result.exit_code == 2, result.stderr
    assert "aussi un fichier d'entrée" in result.stderr
    assert a.read_bytes() == before


# ---------------------------------------------------------------- class 7: faults of the surroundings


def test_closed_stdout_is_said_in_french(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cooplevier", "levers", "--format", "json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == 1
    assert "sortie standard" in done.stderr and "Traceback" not in done.stderr


def test_closed_stderr_never_crashes(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cooplevier", "score", str(tmp_path / "absent.yaml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        timeout=60,
        preexec_fn=lambda: os.close(2),
    )
    assert done.returncode == 1 and "Traceback" not in done.stdout


@pytest.mark.parametrize(
    "args",
    [["questions", "--format", "json"], ["levers", "--format", "json"], ["handout", "guide", "--format", "md"]],
)
def test_a_closed_pipe_ends_quietly(args: list[str]) -> None:
    done = subprocess.run(
        f"{sys.executable} -m cooplevier {' '.join(args)} | head -c 10 >/dev/null",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stderr == "", done.stderr


def test_a_closed_pipe_in_a_large_batch_ends_quietly(pack: Pack, tmp_path: Path) -> None:
    for i in range(200):
        (tmp_path / f"r{i:03}.yaml").write_text(answers_yaml(all_answers(pack, 1 + i % 5)), encoding="utf-8")
    done = subprocess.run(
        f"set -o pipefail; {sys.executable} -m cooplevier score {tmp_path} --format csv | head -n 2 >/dev/null",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_a_loop_of_links_as_output_is_said(cli: Cli, tmp_path: Path, write_answers: Callable[..., Path]) -> None:
    path = write_answers({"L1.Q2": 3})
    (tmp_path / "boucle.html").symlink_to(tmp_path / "boucle.html")
    result = cli("report", str(path), "--output", str(tmp_path / "boucle.html"))
    assert result.exit_code == 2
    assert "liens symboliques" in result.stderr and "interne" not in result.stderr


@pytest.mark.parametrize("device", ["/dev/stdout", "/dev/null"])
def test_devices_as_output_are_written_through(device: str, pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(answers_yaml(all_answers(pack, 2)), encoding="utf-8")
    done = run("score", str(path), "--output", device, "--format", "json")
    assert done.returncode == 0, done.stderr
    if device == "/dev/stdout":
        assert '"territory": "Pays de Test"' in done.stdout


def test_a_name_near_the_length_limit_works(cli: Cli, tmp_path: Path, write_answers: Callable[..., Path]) -> None:
    path = write_answers({"L1.Q2": 3})
    name = "p" * (255 - len(".html")) + ".html"
    result = cli("report", str(path), "--output", str(tmp_path / name))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / name).exists() and leftovers(tmp_path) == []


def test_a_full_disk_during_a_write_says_so_and_leaves_nothing(
    cli: Cli, tmp_path: Path, write_answers: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_answers({"L1.Q2": 3})
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    out = tmp_path / "plan.html"
    result = cli("report", str(path), "--output", str(out))
    monkeypatch.setattr(files.os, "fsync", real_fsync)
    assert result.exit_code == 1
    assert "disque plein" in result.stderr and not out.exists() and leftovers(tmp_path) == []


def test_a_full_temporary_folder_during_an_xlsx_export_is_said(pack: Pack, tmp_path: Path) -> None:
    """A real small file system would need root to mount; an over-full TMPDIR is injected instead."""
    for i in range(3):
        (tmp_path / f"r{i}.yaml").write_text(answers_yaml(all_answers(pack, 3)), encoding="utf-8")
    code = (
        "import errno, tempfile, sys\n"
        "real = tempfile.SpooledTemporaryFile\n"
        "class Full(real):\n"
        "    def write(self, data):\n"
        "        raise OSError(errno.ENOSPC, 'No space left on device')\n"
        "tempfile.SpooledTemporaryFile = Full\n"
        f"sys.argv = ['cooplevier', 'score', {str(tmp_path)!r}, '--output', {str(tmp_path / 'out.xlsx')!r}]\n"
        "from cooplevier.cli import main\nmain()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "disque plein" in done.stderr and "interne" not in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out.xlsx").exists() and leftovers(tmp_path) == []


def test_a_file_name_that_is_not_utf8_in_a_batch(pack: Pack, tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    name = os.path.join(folder, b"r\xe9ponse.yaml")
    with open(name, "w", encoding="utf-8") as fh:
        fh.write(answers_yaml(all_answers(pack, 3)))
    (tmp_path / "casse.yaml").write_text("cooplevier: answers/1\nterritory: X\nanswers: {L1.Q2: 9}\n", "utf-8")
    for fmt in ("json", "csv", "table"):
        done = run("score", str(tmp_path), "--format", fmt)
        assert done.returncode == 1 and "Traceback" not in done.stderr and "interne" not in done.stderr
        if fmt != "table":  # a narrow table folds the name
            assert "r\ufffdponse.yaml" in done.stdout


def test_a_15000_digit_answer_is_refused_clearly(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text("cooplevier: answers/1\nterritory: X\nanswers:\n  L1.Q2: " + "9" * 15000 + "\n", "utf-8")
    result = cli("score", str(path), "--format", "json")
    assert result.exit_code == 1 and typeset("réponse « 999") in result.stderr and "interne" not in result.stderr


def test_a_killed_worker_does_not_sink_the_batch(pack: Pack, tmp_path: Path) -> None:
    """Kill a worker while a large batch runs: every file is still scored, and the user is told."""
    for i in range(600):
        (tmp_path / f"r{i:03}.yaml").write_text(answers_yaml(all_answers(pack, 1 + i % 5)), encoding="utf-8")
    out = tmp_path / "out.csv"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cooplevier", "score", str(tmp_path), "--output", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    killed = False
    while time.monotonic() < deadline and not killed and proc.poll() is None:
        for child in _children(proc.pid):
            os.kill(child, signal.SIGKILL)
            killed = True
            break
        time.sleep(0.01)
    _stdout, stderr = proc.communicate(timeout=120)
    assert "Traceback" not in stderr and "interne" not in stderr
    if killed:
        assert proc.returncode == 0, stderr
        rows = out.read_text(encoding="utf-8-sig").splitlines()
        assert len(rows) == 601  # the header and every file


_PARENT = os.getpid()


def _die_in_a_worker_on(name: str) -> Callable[..., Any]:
    return functools.partial(_die_on, name)


def _die_on(name: str, result: Any, pack: Pack) -> str:
    """`convert` that kills the worker process scoring `name` (as the OOM killer would)."""
    if os.getpid() != _PARENT and (result.file or "").endswith(name):
        os.kill(os.getpid(), signal.SIGKILL)
    return str(result.file)


@pytest.mark.parametrize("victim", ["r000.yaml", "r017.yaml", "r250.yaml", "r599.yaml"])
def test_a_worker_killed_at_any_moment_loses_no_file(pack: Pack, tmp_path: Path, victim: str) -> None:
    """Fault injection: the worker dies on the first file, inside the window, late, on the last."""
    from cooplevier.scoring import batch
    from cooplevier.scoring.outcomes import Notice, Scored

    for i in range(600):
        (tmp_path / f"r{i:03}.yaml").write_text(answers_yaml(all_answers(pack, 1 + i % 5)), encoding="utf-8")
    items = batch.collect([tmp_path])
    outcomes = list(batch.score_files(items, pack=pack, convert=_die_in_a_worker_on(victim), jobs=2))
    scored = [o.value for o in outcomes if isinstance(o, Scored)]
    assert scored == [str(tmp_path / f"r{i:03}.yaml") for i in range(600)]  # every file, in order
    assert sum(isinstance(o, Notice) for o in outcomes) == 1


@pytest.mark.parametrize("call", [1, 2, 6, 9])
def test_a_pool_found_broken_when_sending_work_loses_no_file(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: int
) -> None:
    """Fault injection: the pool is found broken when a chunk is sent (in the first window or later)."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from cooplevier.scoring import batch
    from cooplevier.scoring.outcomes import Notice, Scored

    real = ProcessPoolExecutor.submit
    calls = 0

    def submit(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls >= call:
            raise BrokenProcessPool("a worker died")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    for i in range(600):
        (tmp_path / f"r{i:03}.yaml").write_text(answers_yaml(all_answers(pack, 1 + i % 5)), encoding="utf-8")
    outcomes = list(
        batch.score_files(batch.collect([tmp_path]), pack=pack, convert=_die_in_a_worker_on("none"), jobs=2)
    )
    assert [o.value for o in outcomes if isinstance(o, Scored)] == [str(tmp_path / f"r{i:03}.yaml") for i in range(600)]
    assert sum(isinstance(o, Notice) for o in outcomes) == 1


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


# ---------------------------------------------------------------- class 8: interrupted work


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL])
def test_a_signal_on_a_large_batch_leaves_no_worker_and_no_temporary_file(pack: Pack, tmp_path: Path, sig: int) -> None:
    src = tmp_path / "lot"
    src.mkdir()
    for i in range(2000):
        (src / f"r{i:04}.yaml").write_text(answers_yaml(all_answers(pack, 1 + i % 5)), encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cooplevier", "score", str(src), "--output", str(out_dir / "scores.xlsx")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not workers and proc.poll() is None:
        workers = _children(proc.pid)
        time.sleep(0.02)
    time.sleep(0.3)
    os.kill(proc.pid, sig)
    _out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    if sig != signal.SIGKILL:
        assert proc.returncode != 0 and "interne" not in err
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), "a worker outlived its parent"
    if sig != signal.SIGKILL:
        assert leftovers(out_dir) == [] and not (out_dir / "scores.xlsx").exists()
        assert list(tmp.iterdir()) == []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_stale_temporary_file_never_blocks_a_later_run(
    cli: Cli, tmp_path: Path, write_answers: Callable[..., Path]
) -> None:
    path = write_answers({"L1.Q2": 3})
    for i in range(3):
        (tmp_path / f"{files.TEMP_PREFIX}{i:012x}{files.TEMP_SUFFIX}").write_text("reste d'un kill -9")
    result = cli("report", str(path), "--output", str(tmp_path / "plan.html"))
    assert result.exit_code == 0, result.stderr


def test_check_target_explains_a_component_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "fichier").write_text("x")
    with pytest.raises(CooplevierError, match="n'est pas un dossier"):
        files.check_target(str(tmp_path / "fichier" / "plan.html"), force=False)
    assert ROOT.exists()


# ---------------------------------------------------------------- class 3: every input, every output


def _pack_copy(tmp_path: Path) -> Path:
    import shutil

    from cooplevier.resources import shipped_dir

    pack = tmp_path / "pack"
    shutil.copytree(shipped_dir("data"), pack)
    return pack


@pytest.mark.parametrize(
    "command",
    [
        ["questions", "--format", "yaml", "--output", "{pack}/questions.yaml"],
        ["questions", "--format", "json", "--output", "{pack}/lien.json"],
        ["report", "{a}", "--format", "md", "--output", "{pack}/levers.yaml"],
        ["score", "{a}", "--format", "json", "--output", "{pack}/cases.yaml"],
        ["handout", "cards", "--format", "md", "--output", "{pack}/migrations.yaml"],
        ["compare", "{a}", "{a}", "--format", "md", "--output", "{pack}/questions.yaml"],
        ["migrate", "{old}", "--output", "{pack}/levers.yaml"],
        ["report", "{a}", "--format", "md", "--template", "{tpl}", "--output", "{tpl}/plan.md.j2"],
    ],
)
def test_no_result_lands_on_the_pack_or_the_templates(cli: Cli, pack: Pack, tmp_path: Path, command: list[str]) -> None:
    folder = _pack_copy(tmp_path)
    (folder / "lien.json").symlink_to(folder / "levers.yaml")  # a link in the pack to one of its files
    tpl = tmp_path / "tpl"
    tpl.mkdir()
    (tpl / "plan.md.j2").write_text("{{ plan.territory }}\n", encoding="utf-8")
    a = tmp_path / "a.yaml"
    a.write_text(answers_yaml(all_answers(pack, 3)), encoding="utf-8")
    old = Path(__file__).parent / "data" / "answers-1.0.yaml"
    before = {p: p.read_bytes() for p in [*folder.iterdir(), *tpl.iterdir()]}
    args = [x.format(pack=folder, a=a, tpl=tpl, old=old) for x in command]
    result = cli(*args, "--force", "--content", str(folder))
    assert result.exit_code == 2 and "entrée" in result.stderr, (result.exit_code, result.stderr)
    assert {p: p.read_bytes() for p in before} == before


def test_no_picture_and_no_imported_file_lands_on_an_input(cli: Cli, pack: Pack, tmp_path: Path) -> None:
    # the wheel picture beside a Markdown report, through a link planted where it goes
    a = tmp_path / "in.yaml"
    a.write_text(answers_yaml(all_answers(pack, 3)), encoding="utf-8")
    (tmp_path / "plan-roue.png").symlink_to(a)
    before = a.read_bytes()
    result = cli("report", str(a), "--output", str(tmp_path / "plan.md"), "--force")
    assert result.exit_code in (1, 2) and "entrée" in result.stderr and a.read_bytes() == before
    assert not (tmp_path / "plan.md").exists()
    # an imported answer file, through a link planted where it goes
    grid = tmp_path / "g.csv"
    grid.write_text("Clé;Q;C;P1\nterritory;;;X\nL1.Q2;;;3\n", encoding="utf-8")
    out = tmp_path / "o"
    out.mkdir()
    (out / "reponses-x-d.yaml").symlink_to(grid)
    before = grid.read_bytes()
    result = cli("import", str(grid), "--output", str(out), "--force")
    assert result.exit_code == 1 and "entrée" in result.stderr and grid.read_bytes() == before


def test_a_batch_is_never_copied_to_be_checked_against_a_new_output(tmp_path: Path) -> None:
    """50 000 inputs and a new output: no input can be it, so the list is not walked to its end
    (it was copied whole once, which cost a synthesis 40 % more memory)."""
    from cooplevier.files import REMEMBERED, check_not_input

    walked = []

    def inputs():  # type: ignore[no-untyped-def]
        for i in range(50_000):
            walked.append(i)
            yield tmp_path / f"{i}.yaml"

    check_not_input(str(tmp_path / "new.json"), inputs())
    assert len(walked) <= REMEMBERED + 1
