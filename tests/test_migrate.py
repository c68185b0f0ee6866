"""Questionnaire 2.1 reads, scores and rewrites the answer files of 1.0 through the chained migration maps."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cooplevier.content.answers import load_answers
from cooplevier.content.model import Pack
from cooplevier.typography import typeset

DATA = Path(__file__).parent / "data"
OLD = DATA / "answers-1.0.yaml"
OLD_IDS = DATA.joinpath("questions-1.0-ids.txt").read_text(encoding="utf-8").split()


def test_every_question_of_1_0_is_in_the_map(pack: Pack) -> None:
    migration = pack.migration("1.0")
    assert migration is not None and pack.meta.version == "2.1"
    assert len(OLD_IDS) == 44 and set(migration.questions) == set(OLD_IDS)
    for old, entry in migration.questions.items():
        target = entry.target(old)
        if target is None:
            assert not pack.has_question(old), f"{old} is retired: its id must never be used again"
        else:
            assert pack.has_question(target)


def test_a_1_0_file_is_read_through_the_map_and_says_so(pack: Pack) -> None:
    af = load_answers(OLD, pack)
    assert af.migrated is not None and af.migrated.version == "1.0"
    migration = pack.migration("1.0")
    assert migration is not None
    carried = {old for old, _ in af.migrated.carried}
    for old in carried:
        assert migration.questions[old].status in ("kept", "reworded", "level5_changed")
    for old, _raw, entry in af.migrated.dropped:
        assert entry.status in ("replaced", "removed", "level5_changed") and old not in af.answers
    assert set(af.answers) == {new for _, new in af.migrated.carried}
    assert any("version 1.0" in w and "reprises" in w for w in af.warnings)


def test_score_report_and_validate_take_a_1_0_file(cli: Callable[..., Any], tmp_path: Path) -> None:
    scored = cli("score", str(OLD), "--format", "json")
    assert scored.exit_code == 0, scored.stderr
    assert "version 1.0" in scored.stderr and "à reposer" in scored.stderr
    assert json.loads(scored.stdout)[0]["levers"]["L3"]["score"] is not None
    assert cli("validate", str(OLD)).exit_code == 0
    assert cli("report", str(OLD), "--format", "md").exit_code == 0


def test_migrate_rewrites_for_2_1_and_loses_nothing(cli: Callable[..., Any], pack: Pack, tmp_path: Path) -> None:
    out = tmp_path / "nouveau.yaml"
    result = cli("migrate", str(OLD), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert "réécrit depuis la version 1.0" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert "content: mairie-conseils-2015@2.1" in text
    new = load_answers(out, pack)
    assert new.migrated is None and new.territory == "Pays Exemple"
    old = load_answers(OLD, pack)
    assert {k: (a.value, a.comment) for k, a in new.answers.items()} == {
        k: (a.value, a.comment) for k, a in old.answers.items()
    }
    assert old.migrated is not None
    for qid, _raw, _entry in old.migrated.dropped:  # every answer not carried is kept as a comment
        assert typeset(f"# non reprise : {qid}") + ":" in text
    assert cli("migrate", str(OLD), "--output", str(out)).exit_code == 2  # never over a file without --force
    assert cli("migrate", str(OLD), "--output", str(OLD), "--force").exit_code == 2  # never over its input


def test_migrate_a_folder(cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(OLD, tmp_path / "old" / name)
    assert cli("migrate", str(tmp_path / "old" / "a.yaml"), str(tmp_path / "old" / "b.yaml")).exit_code == 2
    (tmp_path / "new").mkdir()
    result = cli(
        "migrate", str(tmp_path / "old" / "a.yaml"), str(tmp_path / "old" / "b.yaml"), "--output", str(tmp_path / "new")
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == ["a.yaml", "b.yaml"]


def test_a_1_0_file_joins_a_synthesis(cli: Callable[..., Any], pack: Pack, tmp_path: Path, write_answers: Any) -> None:
    shutil.copy(OLD, tmp_path / "ancien.yaml")
    write_answers({q.id: 3 for q in pack.questions}, name="nouveau.yaml")
    result = cli("report", str(tmp_path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["respondents"] == 2


def test_a_file_without_content_line_is_recognised_by_its_retired_ids(pack: Pack, tmp_path: Path) -> None:
    path = tmp_path / "sans-contenu.yaml"
    path.write_text(OLD.read_text(encoding="utf-8").replace("content: mairie-conseils-2015@1.0\n", ""), "utf-8")
    af = load_answers(path, pack)
    assert af.migrated is not None and af.migrated.version == "1.0"


def test_compare_across_versions_weighs_only_the_carried_questions(
    cli: Callable[..., Any], pack: Pack, write_answers: Any
) -> None:
    old = load_answers(OLD, pack)
    assert old.migrated is not None
    carried = {new for _, new in old.migrated.carried}
    # the new file answers 5 to every carried question and 1 to every other: a fair comparison sees 5s only
    new = write_answers({q.id: 5 if q.id in _carried_ids(pack) else 1 for q in pack.questions}, name="nouveau.yaml")
    result = cli("compare", str(OLD), str(new), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "pas de la même version" in result.stderr and "1.0" in result.stderr
    data = json.loads(result.stdout)
    assert data["scope"]["versions"] == ["1.0"] and set(data["scope"]["questions"]) == _carried_ids(pack)
    assert carried <= set(data["scope"]["questions"])
    for lever, change in data["levers"].items():
        assert change["after"] in (5.0, None), lever
    for fmt in ("md", "html", "table"):
        shown = cli("compare", str(OLD), str(new), "--format", fmt)
        assert shown.exit_code == 0 and "reprises de la version 1.0" in " ".join(shown.stdout.split())
    same = cli("compare", str(new), str(new), "--format", "json")
    assert json.loads(same.stdout)["scope"] is None and "version" not in same.stderr


def _carried_ids(pack: Pack) -> set[str]:
    migration = pack.migration("1.0")
    assert migration is not None
    return {t for qid, e in migration.questions.items() if (t := e.target(qid)) is not None}
