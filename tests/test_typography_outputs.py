"""Every output is typeset: no ordinary space where French puts a no-break one, outside user text.

Each output is rendered with user text full of French punctuation (a territory, a name, a comment
with « ; : ? ! » and guillemets): that text must come out exactly as typed, and once it is taken
out, no « ␣; », « ␣? », « ␣! », « ␣: », « «␣ » or « ␣» » may be left.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cooplevier.content.model import STRUCTURES, Pack
from cooplevier.report.templating import md_escape
from tests.helpers import answers_yaml

TERRITORY = "Pays d'Essai : « Val » ?"
NAME = "Camille ; Martin !"
COMMENT = "Réunions « du lundi » : à relancer ?"
USER = (TERRITORY, NAME, COMMENT)
WIDE = {"COLUMNS": "120"}

# An ordinary space before ; ! ? :, after « or before » (the no-break ones are U+202F and U+00A0).
BAD = re.compile(r" [;!?](?![\w/=:])| :(?![\w/=:])|« | »")


def visible(text: str, fmt: str) -> str:
    """What a reader sees: HTML without its styles, scripts, code, tags; Markdown without code."""
    if fmt == "html":
        text = re.sub(r"<(style|script|code)\b.*?</\1>", " ", text, flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    elif fmt == "md":
        text = re.sub(r"`[^`\n]*`", " ", text)
    return text


def without_user_text(text: str, fmt: str) -> str:
    for value in USER:
        shown = {"md": md_escape(value), "html": value}.get(fmt, value)
        text = text.replace(shown, " ")
    return text


def problems(text: str, fmt: str) -> list[str]:
    seen = without_user_text(visible(text, fmt), fmt)
    return [seen[max(0, m.start() - 30) : m.end() + 10] for m in BAD.finditer(seen)]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, pack: Pack) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("typo")
    out: dict[str, Path] = {}
    for i, role in enumerate(("elu", "technicien", "societe-civile", "elu")):
        answers: dict[str, Any] = {q.id: 1 + (i + j) % 5 for j, q in enumerate(pack.questions)}
        answers[pack.questions[0].id] = {"level": 2, "comment": COMMENT}
        answers[pack.questions[1].id] = "unknown"
        answers[pack.questions[2].id] = "na"
        path = root / "group" / f"r{i}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(answers_yaml(answers, territory=TERRITORY, role=role, name=NAME), encoding="utf-8")
        out[f"r{i}"] = path
    short = root / "short.yaml"
    short.write_text(
        answers_yaml({q.id: 2 for q in pack.form(None, "short")}, territory=TERRITORY, name=NAME) + "form: short\n",
        encoding="utf-8",
    )
    out["short"] = short
    out["group"] = root / "group"
    return out


def outputs(pack: Pack, files: dict[str, Path], cli: Callable[..., Any]) -> Iterator[tuple[str, str, str]]:
    """(what, format, text) for every output a user reads."""
    one, other = str(files["r0"]), str(files["r1"])
    for fmt in ("md", "html"):
        yield "plan", fmt, cli("report", one, "--format", fmt).stdout
        yield "plan, short form", fmt, cli("report", str(files["short"]), "--format", fmt).stdout
        yield "synthesis", fmt, cli("report", str(files["group"]), str(files["short"]), "--format", fmt).stdout
        yield "compare", fmt, cli("compare", one, other, "--format", fmt).stdout
        for kind in ("cards", "questionnaire", "guide"):
            yield kind, fmt, cli("handout", kind, "--format", fmt).stdout
        yield "poster", fmt, cli("handout", "poster", str(files["group"]), "--format", fmt).stdout
        for structure in STRUCTURES:
            yield (
                f"questionnaire {structure}",
                fmt,
                cli("handout", "questionnaire", "--structure", structure, "--format", fmt).stdout,
            )
        yield "questionnaire short", fmt, cli("handout", "questionnaire", "--short", "--format", fmt).stdout
        yield "guide short", fmt, cli("handout", "guide", "--short", "--format", fmt).stdout
    yield "levers", "text", cli("levers", env=WIDE).stdout
    for lever in pack.levers:
        yield f"levers {lever.id}", "text", cli("levers", lever.id, env=WIDE).stdout
        yield f"cases --lever {lever.id}", "text", cli("cases", "--lever", lever.id, env=WIDE).stdout
    yield "cases", "text", cli("cases", env=WIDE).stdout
    yield "questions", "text", cli("questions", env=WIDE).stdout
    for structure in STRUCTURES:
        yield f"questions {structure}", "text", cli("questions", "--structure", structure, "--short", env=WIDE).stdout
    yield "explain", "text", cli("explain", one).stdout
    yield "score", "text", cli("score", one, other, "--format", "table", env={"COLUMNS": "300"}).stdout
    yield "compare table", "text", cli("compare", one, other, "--format", "table", env=WIDE).stdout
    yield "validate", "text", cli("validate", one).stdout


def test_every_output_is_typeset_outside_user_text(pack: Pack, files: dict[str, Path], cli: Any) -> None:
    found = {}
    count = 0
    for what, fmt, text in outputs(pack, files, cli):
        assert text.strip(), what
        count += 1
        bad = problems(text, fmt)
        if bad:
            found[f"{what} ({fmt})"] = bad[:5]
    assert count > 60
    assert not found, found


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_user_text_is_printed_exactly_as_typed(files: dict[str, Path], cli: Any, fmt: str) -> None:
    def shown(value: str) -> str:
        return md_escape(value) if fmt == "md" else html.escape(value, quote=False).replace("'", "&#39;")

    plan = cli("report", str(files["r0"]), "--format", fmt).stdout
    for value in USER:
        assert shown(value) in plan, value
    for text in (
        cli("report", str(files["group"]), "--format", fmt).stdout,
        cli("compare", str(files["r0"]), str(files["r1"]), "--format", fmt).stdout,
        cli("handout", "poster", str(files["group"]), "--format", fmt).stdout,
    ):
        assert shown(TERRITORY) in text


def test_the_questionnaire_in_the_terminal_is_typeset(pack: Pack, tmp_path: Path, cli: Any) -> None:
    """The assess screens: intro, the structure menu and its definitions, a lever, a question, the
    help, a comment, then the summary of a short form answered to the end."""
    n = len(pack.form(None, "short"))
    script = "\n".join(["2", "a", "c Un commentaire ; avec : ponctuation ?", *["3"] * n]) + "\n"
    result = cli(
        "assess",
        str(tmp_path / "t.yaml"),
        "-t",
        TERRITORY,
        "-r",
        "elu",
        "--short",
        input=script,
        env={"NO_COLOR": "1", "COLUMNS": "100"},
    )
    assert result.exit_code == 0, result.output
    out = result.stdout.replace("Un commentaire ; avec : ponctuation ?", " ")  # typed by the user
    assert "Bilan" in out and "Aide" in out
    bad = problems(out, "text")
    assert not bad, bad
