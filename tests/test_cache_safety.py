"""Trust, the cache: it never changes a result. Keyed on content and code, plain data, checked,
ignored when garbled, skipped when its place is unusable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cooplevier import cache
from cooplevier.content.load import default_pack_dir, load_pack
from cooplevier.report import templating


@pytest.fixture()
def private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("COOPLEVIER_CACHE_DIR", str(folder))
    return folder


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "pack"
    shutil.copytree(default_pack_dir(), root)
    return root


def test_an_edit_that_keeps_size_and_date_is_seen(private: Path, tmp_path: Path) -> None:
    root = _copy(tmp_path)
    first = load_pack(root)
    levers = root / "levers.yaml"
    info = levers.stat()
    text = levers.read_text(encoding="utf-8")
    old = first.lever("L3").short_title
    new = old[::-1][: len(old)]  # same length: same size
    levers.write_text(text.replace(f'short_title: "{old}"', f'short_title: "{new}"', 1), encoding="utf-8")
    os.utime(levers, ns=(info.st_atime_ns, info.st_mtime_ns))  # same date
    assert levers.stat().st_size == info.st_size
    assert load_pack(root).lever("L3").short_title == new


@pytest.mark.parametrize("damage", ["truncated", "flipped", "not-json", "wrong-shape", "empty"])
def test_a_garbled_entry_is_ignored_and_rebuilt(private: Path, damage: str) -> None:
    expected = load_pack()
    entries = list(private.glob("pack-*.json"))
    assert entries, "the pack was cached"
    for entry in entries:
        raw = entry.read_bytes()
        broken = {
            "truncated": raw[: len(raw) // 2],
            "flipped": raw[:-10] + bytes(b ^ 0xFF for b in raw[-10:]),
            "not-json": b"\x80\x04\x95pickle",
            "wrong-shape": cache._DIGEST(b'{"x": 1}').hexdigest().encode() + b'\n{"x": 1}',
            "empty": b"",
        }[damage]
        entry.write_bytes(broken)
    assert load_pack() == expected
    assert json.loads(entries[0].read_bytes().partition(b"\n")[2])  # rebuilt, plain JSON


def test_entries_are_plain_data_that_cannot_run_code(private: Path) -> None:
    load_pack()
    for entry in private.glob("pack-*"):
        check, _, body = entry.read_bytes().partition(b"\n")
        assert len(check) == 64 and json.loads(body)
    assert not list(private.rglob("*.pickle"))


def test_an_unusable_cache_place_means_no_cache_not_an_error(tmp_path: Path) -> None:
    blocked = tmp_path / "fichier"
    blocked.write_text("pas un dossier")
    answers = Path(__file__).parent / "data" / "explain.yaml"
    for env in (
        {"COOPLEVIER_CACHE_DIR": str(blocked / "cache")},
        {"COOPLEVIER_CACHE_DIR": "relatif/cache"},
        {"XDG_CACHE_HOME": "relatif", "HOME": str(tmp_path / "absent-home")},
        {"HOME": str(tmp_path / "absent-home")},
    ):
        base = {k: v for k, v in os.environ.items() if k not in ("COOPLEVIER_CACHE_DIR", "XDG_CACHE_HOME", "HOME")}
        done = subprocess.run(
            [sys.executable, "-m", "cooplevier", "report", str(answers), "--format", "md"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**base, **env},
            timeout=60,
        )
        assert done.returncode == 0, (env, done.stderr)
        assert done.stderr == "" or "cache" not in done.stderr
    assert not (tmp_path / "absent-home").exists()  # a missing home folder is never created
    assert not (tmp_path / "relatif").exists()  # a relative XDG_CACHE_HOME is ignored


def test_the_cache_folder_is_private(private: Path) -> None:
    load_pack()
    if os.name == "posix":
        assert private.stat().st_mode & 0o077 == 0


def test_a_folder_others_may_write_in_is_not_used(private: Path) -> None:
    private.mkdir(mode=0o777)
    os.chmod(private, 0o777)
    load_pack()
    assert list(private.iterdir()) == []


def test_a_garbled_compiled_template_is_ignored(private: Path, tmp_path: Path) -> None:
    templating.environment.cache_clear()
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "x.html.j2").write_text("<p>{{ value }}</p>", encoding="utf-8")
    first = templating.render("x.html.j2", {"value": "a"}, template_dir=tmp_path / "tpl")
    compiled = list(private.rglob("*.cache"))
    assert compiled
    for entry in compiled:
        entry.write_bytes(entry.read_bytes()[:40] + b"garbage")
    templating.environment.cache_clear()
    assert templating.render("x.html.j2", {"value": "a"}, template_dir=tmp_path / "tpl") == first
    templating.environment.cache_clear()


def test_the_key_changes_with_the_code(private: Path) -> None:
    a = cache.key("pack", [b"code-1", b"data"])
    b = cache.key("pack", [b"code-2", b"data"])
    c = cache.key("pack", [b"code-1", b"data!"])
    assert len({a, b, c}) == 3


def test_a_user_template_folder_never_poisons_the_shipped_reports(private: Path, tmp_path: Path) -> None:
    """The sandbox compiles the shipped templates differently: a run with --template must leave
    the cache good for later runs without it (separate processes, as a user runs them)."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    example = root / "examples" / "pays-exemple.yaml"
    env = {**os.environ, "COOPLEVIER_CACHE_DIR": str(private)}

    def report(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cooplevier", "report", str(example), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    (tmp_path / "vide").mkdir()
    partial = tmp_path / "partiel"
    partial.mkdir()
    shutil.copy(root / "templates" / "plan.html.j2", partial)
    for fmt, folder in (("md", tmp_path / "vide"), ("html", partial)):
        shutil.rmtree(private, ignore_errors=True)
        assert report("--format", fmt, "--template", str(folder)).returncode == 0  # the sandbox fills the cache
        plain = report("--format", fmt)
        assert plain.returncode == 0, plain.stderr
        assert report("--format", fmt, "--template", str(folder)).returncode == 0
        shutil.rmtree(private)
        assert report("--format", fmt).stdout == plain.stdout  # the same as from an empty cache
