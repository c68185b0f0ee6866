"""cooplevier — auto-diagnostic des coopérations territoriales."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`__version__`, from the installed package's metadata, read only when asked (`--version`):
    `importlib.metadata` costs milliseconds that `--help` and `report` do not pay."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("cooplevier")
        except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
            return "0.0.0+unknown"
    raise AttributeError(f"module 'cooplevier' has no attribute {name!r}")
