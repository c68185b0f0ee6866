"""One writer per answer file: moved to the foundation (`cooplevier.writelock`), shared with the
workshop server; kept here under its old name."""

from cooplevier.writelock import STALE_ELSEWHERE, Holder, Lock, _alive, _process_start, lock_path

__all__ = ["STALE_ELSEWHERE", "Holder", "Lock", "_alive", "_process_start", "lock_path"]
