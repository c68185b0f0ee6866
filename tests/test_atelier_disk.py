"""Where the workshop's writes run (atelier.disk): in the event loop on a quick disk, on writer
threads on a slow one or once the loop's writes slow down; an error reaches the caller either way."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from cooplevier.atelier import disk as disk_module
from cooplevier.atelier.disk import Disk, probe
from cooplevier.atelier.state import state_dir


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("COOPLEVIER_ATELIER_WRITES", raising=False)
    state_dir(tmp_path).mkdir()
    return tmp_path


def _thread_of(disk: Disk) -> int:
    async def run() -> int:
        return await disk.run(threading.get_ident)

    return asyncio.run(run())


def test_a_fixed_place_is_kept(folder: Path) -> None:
    here = threading.get_ident()
    assert _thread_of(Disk(folder, place="loop")) == here
    threads = Disk(folder, place="threads")
    assert _thread_of(threads) != here
    threads.close()


def test_the_environment_sets_the_place(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPLEVIER_ATELIER_WRITES", "threads")
    chosen = Disk(folder)
    assert chosen.place == "threads" and chosen.fixed
    chosen.close()


def test_the_probe_decides_and_leaves_nothing_behind(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seconds = probe(folder)
    assert 0 < seconds < 5
    assert [p.name for p in state_dir(folder).iterdir()] == []
    monkeypatch.setattr(disk_module, "probe", lambda _folder: disk_module.FAST_S / 2)
    assert Disk(folder).place == "loop"
    monkeypatch.setattr(disk_module, "probe", lambda _folder: disk_module.FAST_S * 5)
    assert Disk(folder).place == "threads"


def test_a_folder_that_cannot_be_written_is_given_to_the_threads(tmp_path: Path) -> None:
    gone = tmp_path / "retiree"  # no state folder to write in: the probe fails, it does not raise
    assert probe(gone) == float("inf")
    assert Disk(gone).place == "threads"


def test_slow_writes_in_the_loop_hand_over_to_the_threads_for_good(folder: Path) -> None:
    disk = Disk(folder, place="loop")
    disk.fixed = False  # measured, as a probed disk is
    here = threading.get_ident()

    async def slow() -> list[int]:
        seen = []
        for _ in range(8):
            seen.append(await disk.run(lambda: (time.sleep(0.03), threading.get_ident())[1]))
        return seen

    seen = asyncio.run(slow())
    assert seen[0] == here  # in the loop while the average stays low
    switched = seen.index(next(t for t in seen if t != here))
    assert 2 <= switched <= 6, seen  # a run of 30 ms writes moves them, a single one would not
    assert disk.place == "threads" and all(t != here for t in seen[switched:])
    disk.close()


def test_one_slow_write_does_not_move_the_writes(folder: Path) -> None:
    disk = Disk(folder, place="loop")
    disk.fixed = False

    async def writes() -> None:
        await disk.run(time.sleep, 0.05)
        for _ in range(5):
            await disk.run(time.sleep, 0)

    asyncio.run(writes())
    assert disk.place == "loop"


@pytest.mark.parametrize("place", ["loop", "threads"])
def test_an_error_reaches_the_caller_and_nothing_is_acknowledged(folder: Path, place: str) -> None:
    disk = Disk(folder, place=place)

    def full_disk() -> None:
        raise OSError(28, "No space left on device")

    async def run() -> None:
        await disk.run(full_disk)

    with pytest.raises(OSError, match="No space"):
        asyncio.run(run())
    disk.close()
