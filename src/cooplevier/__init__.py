"""cooplevier — auto-diagnostic des coopérations territoriales."""

from __future__ import annotations

import functools


@functools.cache
def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cooplevier")
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "0.0.0+unknown"


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed metadata only when asked (start-up stays light)."""
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module 'cooplevier' has no attribute {name!r}")
