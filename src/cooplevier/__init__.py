"""cooplevier — auto-diagnostic des coopérations territoriales."""

from __future__ import annotations

import functools


@functools.cache
def _installed_version() -> str:
    """The installed distribution's version, from its metadata.

    Its `METADATA` file is read directly where it can be found (a few directory listings), because
    `importlib.metadata` costs tens of milliseconds that `report` would pay for its cache key.
    """
    import os
    import sys

    for folder in sys.path:
        try:
            names = [n for n in os.listdir(folder or ".") if n.startswith("cooplevier-") and n.endswith(".dist-info")]
        except OSError:
            continue
        for name in names:
            try:
                with open(os.path.join(folder or ".", name, "METADATA"), encoding="utf-8") as fh:
                    for line in fh:
                        if line.startswith("Version:"):
                            return line.split(":", 1)[1].strip()
            except OSError:
                continue
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
