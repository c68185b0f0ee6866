"""The per-user cache never changes a result: an edited pack is re-read, a broken cache is ignored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cooplevier.content.load import default_pack_dir, load_pack
from cooplevier.errors import CooplevierError


def test_edited_pack_is_reloaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPLEVIER_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "pack"
    shutil.copytree(default_pack_dir(), root)
    first = load_pack(root)
    assert first.lever("L3").short_title
    levers = root / "levers.yaml"
    levers.write_text(levers.read_text(encoding="utf-8").replace("levers: [L3, L4]", "levers: [L4]"), encoding="utf-8")
    with pytest.raises(CooplevierError, match="n'est rattaché à aucun axe"):
        load_pack(root)


def test_corrupt_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("COOPLEVIER_CACHE_DIR", str(cache))
    expected = load_pack()
    for entry in cache.glob("pack-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert load_pack() == expected


def test_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPLEVIER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COOPLEVIER_NO_CACHE", "1")
    load_pack()
    assert not (tmp_path / "cache").exists()


def test_html_and_markdown_templates_never_share_compiled_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cooplevier.report import templating as render

    monkeypatch.setenv("COOPLEVIER_CACHE_DIR", str(tmp_path / "cache"))
    render.environment.cache_clear()
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "x.j2").write_text("{{ value }}", encoding="utf-8")
    md = render.environment(str(tmp_path / "tpl"), flavour="md").get_template("x.j2").render(value="<b>")
    render.environment.cache_clear()
    html = render.environment(str(tmp_path / "tpl"), flavour="html").get_template("x.j2").render(value="<b>")
    render.environment.cache_clear()
    assert md == "<b>" and html == "&lt;b&gt;"
