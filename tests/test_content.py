"""The content pack: the shipped one validates; broken copies fail with FILE:LINE:COL."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cooplevier.content.load import default_pack_dir
from cooplevier.content.model import AXIS_IDS, Pack
from cooplevier.typography import typeset

PackEditor = Callable[[str, str, str], Path]


@pytest.fixture()
def broken_pack(tmp_path: Path) -> PackEditor:
    """Copy the shipped pack and replace `old` by `new` once in one of its files."""

    def edit(name: str, old: str, new: str) -> Path:
        root = tmp_path / "pack"
        if not root.exists():
            shutil.copytree(default_pack_dir(), root)
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return root

    return edit


def test_shipped_pack_validates(cli: Callable[..., object]) -> None:
    result = cli("validate")
    assert result.exit_code == 0, result.stderr
    assert typeset("pack de contenu valide : 10 leviers") in result.stdout


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


@pytest.mark.parametrize(
    ("file", "old", "new", "needle", "words"),
    [
        pytest.param(
            "levers.yaml",
            "    axis: dialogue\n",
            "\taxis: dialogue\n",
            "\taxis: dialogue",
            "tabulation",
            id="stray-tab",
        ),
        pytest.param(
            "levers.yaml", "levers: [L3, L4]", "levers: [L3, L4", "levers: [L3, L4", "non fermé", id="unclosed-bracket"
        ),
        pytest.param(
            "levers.yaml",
            "levers: [L3, L4]",
            "levers: [L4]",
            "  - id: L3",
            "n'est rattaché à aucun axe",
            id="lever-without-axis",
        ),
        pytest.param(
            "levers.yaml",
            "    axis: dialogue\n",
            "\n",
            "  - id: L3",
            "champ obligatoire « axis » manquant",
            id="lever-missing-axis-field",
        ),
        pytest.param(
            "questions.yaml",
            "      - {level: 5, label: \"Chaque membre l'a approuvé",
            "",
            "L2.Q1",
            "exactement 5 choix",
            id="question-four-choices",
        ),
        pytest.param(
            "cases.yaml", "lever: L7", "lever: L77", "lever: L77", "levier « L77 » inconnu", id="case-unknown-lever"
        ),
        pytest.param(
            "questions.yaml", 'id: "L2.Q10"', 'id: "L2.Q1"', 'id: "L2.Q1"', "en double", id="duplicate-question-id"
        ),
        pytest.param(
            "levers.yaml",
            "    number: 3\n",
            "    number: 3\n    number: 3\n",
            "number: 3",
            "en double",
            id="duplicate-key",
        ),
    ],
)
def test_broken_copy_fails_with_location(
    cli: Callable[..., object], broken_pack: PackEditor, file: str, old: str, new: str, needle: str, words: str
) -> None:
    if words == "exactement 5 choix":
        # drop the fifth choice of L2.Q1 (the whole line)
        text = (default_pack_dir() / file).read_text(encoding="utf-8")
        line = next(ln for ln in text.splitlines(keepends=True) if ln.startswith(old))
        root = broken_pack(file, line, "")
    else:
        root = broken_pack(file, old, new)
    result = cli("validate", "--content", str(root))
    assert result.exit_code == 1
    path = root / file
    out = result.stderr
    assert typeset(words) in out, out
    located = re.search(rf"^{re.escape(str(path))}:(\d+):(\d+): ", out, re.MULTILINE)
    assert located, out
    if words not in (
        "n'est rattaché à aucun axe",
        "champ obligatoire « axis » manquant",
        "exactement 5 choix",
        "en double",
    ):
        assert int(located.group(1)) == _line_of(path, needle)
    assert "Traceback" not in out


def test_every_error_is_reported_at_once(cli: Callable[..., object], broken_pack: PackEditor) -> None:
    broken_pack("cases.yaml", "lever: L7", "lever: L77")
    root = broken_pack("questions.yaml", 'id: "L2.Q10"', 'id: "L2.Q1"')
    result = cli("validate", "--content", str(root))
    assert result.exit_code == 1
    assert "L77" in result.stderr and "en double" in result.stderr


def test_missing_pack_file(cli: Callable[..., object], broken_pack: PackEditor) -> None:
    root = broken_pack("cases.yaml", "cases:", "cases:")
    (root / "cases.yaml").unlink()
    result = cli("validate", "--content", str(root))
    assert result.exit_code == 1
    assert "cases.yaml: fichier du pack de contenu manquant" in result.stderr


def test_unknown_field_is_refused(cli: Callable[..., object], broken_pack: PackEditor) -> None:
    root = broken_pack("levers.yaml", "    number: 3\n", "    number: 3\n    colour: red\n")
    result = cli("validate", "--content", str(root))
    assert result.exit_code == 1
    assert typeset("champ inconnu « colour »") in result.stderr


def test_pack_structure(pack: Pack) -> None:
    assert [a.id for a in pack.axes] == list(AXIS_IDS)
    assert [lv.id for lv in pack.levers] == [f"L{n}" for n in range(1, 11)]
    assert {lv.id: lv.axis for lv in pack.levers} == {
        "L1": "impulsion",
        "L2": "impulsion",
        "L3": "dialogue",
        "L4": "dialogue",
        "L5": "mouvement",
        "L6": "mouvement",
        "L7": "convergence",
        "L8": "convergence",
        "L9": "convergence",
        "L10": "convergence",
    }
    assert len(pack.staircase) == 5
    assert all(step.label.source == "editorial" for step in pack.staircase)
    assert len(pack.framework.trends) == 10
    assert len(pack.cases) == 17
    for lever in pack.levers:
        qs = pack.questions_for(lever.id)
        assert 3 <= len(qs) <= 6
        assert all(q.id.startswith(f"{lever.id}.Q") for q in qs)
        assert lever.vigilance and lever.practices and (pack.cases_for(lever.id) or lever.no_case)
    for q in pack.questions:
        assert [c.level for c in q.choices] == [1, 2, 3, 4, 5]
        labels = " ".join(c.label.lower() for c in q.choices)
        assert not re.search(r"\b(faible|moyen|fort)\b", labels), q.id


def test_too_few_questions_points_at_the_lever(cli: Callable[..., object], broken_pack: PackEditor) -> None:
    import yaml

    root = broken_pack("questions.yaml", 'id: "L2.Q7"', 'id: "L2.Q7"')
    path = root / "questions.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["questions"] = [q for q in data["questions"] if q["lever"] != "L2" or q["id"] in ("L2.Q1", "L2.Q7")]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "migrations.yaml").unlink()
    result = cli("validate", "--content", str(root))
    assert result.exit_code == 1
    line = _line_of(root / "levers.yaml", "  - id: L2")
    assert f"{root / 'levers.yaml'}:{line}:" in result.stderr and "de 3 à 6 questions (il en a 2)" in result.stderr
