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
    entries = list(cache.glob("pack-*.json"))
    assert entries
    for entry in entries:
        entry.write_bytes(b"not a pack")
    assert load_pack() == expected


def test_a_pack_rebuilt_from_the_cache_is_the_pack_read_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the cached pack skips the text checks (it passed them when stored): the result must not differ
    monkeypatch.setenv("COOPLEVIER_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "pack"
    shutil.copytree(default_pack_dir(), root)
    cases = root / "cases.yaml"  # saved by an old Windows editor: a warning to carry over
    cases.write_bytes(cases.read_text(encoding="utf-8").replace("\n", "\r\n").encode("cp1252"))
    fresh = load_pack(root, use_cache=False)
    assert fresh.warnings
    load_pack(root)  # stores the entry
    assert list((tmp_path / "cache").glob("pack-*.json"))
    rebuilt = load_pack(root)
    assert rebuilt == fresh
    assert rebuilt.warnings == fresh.warnings


def test_the_schema_reads_every_field_type_as_typing_does() -> None:
    import dataclasses
    import typing

    from cooplevier.content import model
    from cooplevier.content.answers import AnswerFile
    from cooplevier.content.plan import actions, calendar, planfile
    from cooplevier.content.schema import _fields

    classes = [AnswerFile] + [
        value
        for module in (model, actions, calendar, planfile)
        for value in vars(module).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
    ]
    assert len(classes) > 30
    for cls in classes:
        hints = typing.get_type_hints(cls)
        assert {name: tp for name, tp, _ in _fields(cls).values()} == hints, cls


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
