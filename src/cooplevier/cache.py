"""A per-user cache for work that is the same every run: the validated content pack, compiled templates.

Only a cache: any problem reading or writing it is ignored and the work is simply redone.
`COOPLEVIER_NO_CACHE=1` turns it off; `COOPLEVIER_CACHE_DIR` moves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from cooplevier import __version__

T = TypeVar("T")
_FORMAT = 1


def cache_dir() -> Path | None:
    if os.environ.get("COOPLEVIER_NO_CACHE"):
        return None
    if explicit := os.environ.get("COOPLEVIER_CACHE_DIR"):
        return Path(explicit)
    if sys.platform == "win32" and (local := os.environ.get("LOCALAPPDATA")):
        return Path(local) / "cooplevier" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cooplevier"


def _key(kind: str, files: Iterable[Path]) -> str:
    parts = [kind, __version__, str(_FORMAT)]
    for path in files:
        st = path.stat()
        parts += [str(path.resolve()), str(st.st_mtime_ns), str(st.st_size)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def cached(kind: str, files: Iterable[Path], build: Callable[[], T]) -> T:
    """`build()`, or its pickled result from an earlier run over the same, unchanged files."""
    directory = cache_dir()
    try:
        key = _key(kind, files)
    except OSError:
        return build()
    if directory is None:
        return build()
    path = directory / f"{kind}-{key}.pickle"
    with contextlib.suppress(Exception), path.open("rb") as fh:
        return pickle.load(fh)  # type: ignore[no-any-return]
    value = build()
    with contextlib.suppress(OSError, pickle.PicklingError):
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    return value


def template_cache(flavour: str) -> object | None:
    """A Jinja2 bytecode cache in the cache folder, or None.

    One folder per environment `flavour`: Jinja keys its cache on the template's name and
    source only, so an HTML (autoescaped) and a Markdown environment must never share one.
    """
    directory = cache_dir()
    if directory is None:
        return None
    import jinja2

    folder = directory / f"jinja-{__version__}-{flavour}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))
