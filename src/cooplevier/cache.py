"""A per-user cache for work that is the same every run: the validated content pack, compiled templates.

Only a cache: it never changes a result. Entries are keyed on the *content* of their sources (a
SHA-256 of the bytes, not their size and date) and on the code that reads them (a digest of the
source files of the loader). The pack is stored as plain JSON data and
rebuilt by the current code, so no entry can run code or hand back objects of an older shape.
Each entry carries a digest of itself: a garbled file is ignored and rebuilt. A location that
cannot be used (no home folder, a relative `XDG_CACHE_HOME`, another user's folder, a read-only
disk) means no cache, never an error. The folder is the platform's user cache folder
(platformdirs: `~/.cache/cooplevier` or `$XDG_CACHE_HOME/cooplevier`, `~/Library/Caches/cooplevier`,
`%LOCALAPPDATA%\\cooplevier\\Cache`). `COOPLEVIER_NO_CACHE=1` turns it off; `COOPLEVIER_CACHE_DIR`
moves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_FORMAT = "2"
_DIGEST = hashlib.sha256


def cache_dir() -> Path | None:
    """Where the cache lives, or None when there is no usable place (nothing is created here)."""
    if os.environ.get("COOPLEVIER_NO_CACHE"):
        return None
    if explicit := os.environ.get("COOPLEVIER_CACHE_DIR"):
        return Path(explicit) if os.path.isabs(explicit) else None
    if sys.platform not in ("win32", "darwin") and not os.path.isabs(os.environ.get("XDG_CACHE_HOME", "")):
        # the XDG spec: a relative value is invalid and must be ignored (platformdirs would take it)
        home = os.environ.get("HOME", "")
        return Path(home) / ".cache" / "cooplevier" if os.path.isabs(home) else None
    from platformdirs import user_cache_path  # the platform's place: imported only when needed

    found = user_cache_path("cooplevier", appauthor=False)
    return found if found.is_absolute() else None


def _ready(directory: Path) -> bool:
    """Make `directory` (0700) if its parent's parent exists, and check it is ours alone."""
    try:
        if not directory.exists():
            if not directory.parent.parent.is_dir():  # never create a missing home folder
                return False
            directory.parent.mkdir(mode=0o700, exist_ok=True)
            directory.mkdir(mode=0o700, exist_ok=True)
        info = directory.stat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    # another user's folder, or one others may write in, is not trusted
    return os.name != "posix" or (info.st_uid == os.getuid() and not info.st_mode & 0o022)


def source_digest(*sources: Path) -> bytes:
    """A digest of the source files of the code that reads an entry: the code it is valid for.

    The files are named, not imported: a command that finds its entry never imports the code
    that would have rebuilt it. The version is not part of it (reading it costs milliseconds on
    every run); the data is rebuilt by the current code anyway.
    """
    digest = _DIGEST(_FORMAT.encode())
    for source in sources:
        with contextlib.suppress(OSError):
            digest.update(source.read_bytes())
    return digest.digest()


def key(kind: str, parts: Iterable[bytes]) -> str:
    """The entry name for `parts` (the code digest first, then the bytes of every source)."""
    digest = _DIGEST(f"{kind}\0{_FORMAT}".encode())
    for data in parts:
        digest.update(_DIGEST(data).digest())
    return digest.hexdigest()[:40]


def load_json(kind: str, entry: str) -> Any | None:
    """The JSON value stored for `entry`, or None (missing, garbled, unreadable: all the same)."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        raw = (directory / f"{kind}-{entry}.json").read_bytes()
        check, _, body = raw.partition(b"\n")
        if check.decode("ascii") != _DIGEST(body).hexdigest():
            return None
        return json.loads(body)
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None


def store_json(kind: str, entry: str, value: Any) -> None:
    """Keep `value` for `entry`, atomically; any failure is ignored (it is only a cache)."""
    directory = cache_dir()
    if directory is None or not _ready(directory):
        return
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    data = _DIGEST(body).hexdigest().encode("ascii") + b"\n" + body
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{kind}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, directory / f"{kind}-{entry}.json")
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def folder(name: str) -> Path | None:
    """A private sub-folder of the cache (made if need be), or None."""
    directory = cache_dir()
    if directory is None or not _ready(directory):
        return None
    sub = directory / name
    return sub if _ready(sub) else None
