"""Chrome, Edge or Chromium found where their installers put them, on Windows and macOS too."""

from __future__ import annotations

from pathlib import Path

import pytest

from cooplevier.report.pdf import find_browser


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(
    ("root", "parts"),
    [
        ("PROGRAMFILES", ("Google", "Chrome", "Application", "chrome.exe")),
        ("PROGRAMFILES(X86)", ("Microsoft", "Edge", "Application", "msedge.exe")),
        ("LOCALAPPDATA", ("Google", "Chrome", "Application", "chrome.exe")),
        ("LOCALAPPDATA", ("Chromium", "Application", "chrome.exe")),
    ],
    ids=["chrome", "edge-x86", "chrome-per-user", "chromium-per-user"],
)
def test_windows_install_folders(tmp_path: Path, root: str, parts: tuple[str, ...]) -> None:
    exe = touch(tmp_path / root / Path(*parts))
    environ = {"PATH": str(tmp_path / "empty"), root: str(tmp_path / root)}
    assert find_browser(platform="win32", environ=environ, home=tmp_path) == str(exe)


def test_macos_applications(tmp_path: Path) -> None:
    apps = tmp_path / "Applications"
    edge = touch(apps / "Microsoft Edge.app" / "Contents" / "MacOS" / "Microsoft Edge")
    environ = {"PATH": str(tmp_path / "empty")}
    assert find_browser(platform="darwin", environ=environ, home=tmp_path / "home", applications=apps) == str(edge)
    chrome = touch(tmp_path / "home" / "Applications" / "Google Chrome.app" / "Contents" / "MacOS" / "Google Chrome")
    assert find_browser(
        platform="darwin", environ=environ, home=tmp_path / "home", applications=tmp_path / "none"
    ) == str(chrome)


def test_path_comes_first_and_nothing_is_none(tmp_path: Path) -> None:
    on_path = touch(tmp_path / "bin" / "chromium")
    environ = {"PATH": str(tmp_path / "bin"), "PROGRAMFILES": str(tmp_path)}
    assert find_browser(platform="linux", environ=environ, home=tmp_path) == str(on_path)
    empty = {"PATH": str(tmp_path / "nothing")}
    assert find_browser(platform="win32", environ=empty, home=tmp_path) is None
    assert find_browser(platform="linux", environ=empty, home=tmp_path) is None
