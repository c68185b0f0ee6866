"""Files shipped with the package (`data/`, `templates/`), found through importlib.resources."""

from __future__ import annotations

from pathlib import Path


def shipped_dir(name: str) -> Path:
    """The shipped folder `name` ("data" or "templates").

    In a wheel it lives inside the package; in a source checkout (editable install) it sits at
    the top of the repository, two levels above this file.
    """
    beside = Path(__file__).parent / name  # a wheel unpacked on disk: no importlib.resources needed
    if beside.is_dir():
        return beside
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    from importlib.resources import files  # any other loader

    packaged = files("cooplevier") / name
    if packaged.is_dir():
        return Path(str(packaged))
    raise FileNotFoundError(f"cooplevier: missing packaged folder {name!r}")  # broken install
