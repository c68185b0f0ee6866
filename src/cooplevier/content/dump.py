"""Writing answer files: the stable, human-editable layout `assess`, `migrate`, `import` and the
workshop server write, which the strict loader reads back exactly (a property test holds it)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from cooplevier.content.answers import FORMAT, AnswerFile


def dump_answers(af: AnswerFile, *, comments: Sequence[str] = ()) -> str:
    """The YAML text of an answer file, in a stable, human-editable layout.

    Written through libyaml's C emitter where it is installed: the workshop server rewrites a
    participant's whole file on every answer, and PyYAML's pure-Python emitter takes ~3 ms of CPU
    for a full questionnaire, the C one ~1 ms (a test checks both write the same bytes). The C
    emitter writes characters beyond U+FFFF (emoji) as escapes: a file with one goes the
    pure-Python way, so that it stays readable as typed.
    """
    typed = [af.territory, af.name or "", *(a.comment or "" for a in af.answers.values())]
    fast = not any(ord(ch) > 0xFFFF for text in typed for ch in text)
    head = "".join(f"# {line}\n" for c in comments for line in c.splitlines())
    return head + _emitted(_document(af), fast=fast)


def _document(af: AnswerFile) -> dict[str, Any]:
    doc: dict[str, Any] = {"cooplevier": FORMAT, "territory": af.territory}
    respondent = {k: v for k, v in (("name", af.name), ("role", af.role)) if v}
    if respondent:
        doc["respondent"] = respondent
    if af.date:
        doc["date"] = af.date
    if af.content:
        doc["content"] = af.content
    if af.structure:
        doc["structure"] = af.structure
    if af.form:
        doc["form"] = af.form
    if af.targets:
        doc["targets"] = dict(af.targets)
    doc["answers"] = {
        qid: ({"level": a.value, "comment": a.comment} if a.comment else a.value) for qid, a in af.answers.items()
    }
    return doc


def _emitted(doc: dict[str, Any], *, fast: bool) -> str:
    import yaml

    dumper = _dumper(fast)
    return str(yaml.dump(doc, Dumper=dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100))


# Characters a YAML reader takes for line breaks: written raw, they would come back as spaces.
_YAML_BREAKS = ("\x85", "\u2028", "\u2029")


@cache
def _dumper(fast: bool) -> Any:
    """PyYAML's safe dumper (libyaml's when `fast` and installed); strings that hold YAML line
    breaks or edge spaces written double-quoted."""
    import yaml

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper) if fast else yaml.SafeDumper

    class Dumper(base):  # type: ignore[valid-type,misc]
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        quoted = any(ch in value for ch in _YAML_BREAKS) or value != value.strip() or "\n" in value
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if quoted else None)

    Dumper.add_representer(str, text)
    return Dumper


def as_written(question: str, raw: Any) -> str:
    """`L11.Q1: {"level": 4, "comment": "texte"}`: one answer, on one line, as it reads back."""
    return f"{question}: {_flow(raw)}"


_PLAIN = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.\-]*")


def _flow(value: Any) -> str:
    """A value in YAML's one-line (flow) style: simple words plain, other text quoted."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if value is None:
        return "null"
    text = str(value)
    plain = _PLAIN.fullmatch(text) and text not in ("null", "true", "false")
    return text if plain else json.dumps(text, ensure_ascii=False)
