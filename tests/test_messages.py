"""The string catalogue is checked: every key used exists, every key defined is used, the
arguments match the placeholders, counts go through tn(), and no user text hides outside it."""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass
from pathlib import Path

import pytest

from cooplevier.messages import CATALOGUE

SRC = Path(__file__).resolve().parents[1] / "src" / "cooplevier"
# Letters and words that only French text has: a literal holding one is user text.
FRENCH = re.compile(r"[àâçéèêëîïôûùüœ«»]|\b(le|la|les|des|du|une|est|pas|fichier|réponse)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Call:
    file: str
    line: int
    function: str
    key: str | None  # None: not a literal
    kwargs: frozenset[str]
    spread: bool  # **kwargs passed: placeholders cannot be checked


def _calls() -> list[Call]:
    found: list[Call] = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("t", "tn"):
                first = node.args[0] if node.args else None
                key = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
                names = frozenset(k.arg for k in node.keywords if k.arg is not None)
                spread = any(k.arg is None for k in node.keywords)
                found.append(Call(str(path.relative_to(SRC)), node.lineno, node.func.id, key, names, spread))
    return found


CALLS = _calls()


def test_every_key_is_a_literal() -> None:
    built = [f"{c.file}:{c.line}" for c in CALLS if c.key is None]
    assert not built, f"keys built at run time (write them out): {built}"


def test_every_key_used_exists() -> None:
    missing = [f"{c.file}:{c.line}: {c.key}" for c in CALLS if c.key is not None and c.key not in CATALOGUE]
    assert not missing


def test_every_key_defined_is_used() -> None:
    used = {c.key for c in CALLS}
    assert sorted(set(CATALOGUE) - used) == []


def _placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("call", [c for c in CALLS if c.key in CATALOGUE], ids=lambda c: f"{c.file}:{c.line}")
def test_arguments_match_the_placeholders(call: Call) -> None:
    entry = CATALOGUE[call.key or ""]
    if call.function == "t":
        assert isinstance(entry, str), f"{call.key} has plural forms: use tn()"
        templates = [entry]
    else:
        assert isinstance(entry, dict) and set(entry) == {"one", "other"}, f"{call.key} needs one/other: use t()"
        templates = list(entry.values())
    wanted = set().union(*(_placeholders(x) for x in templates)) - ({"count"} if call.function == "tn" else set())
    if not call.spread:
        assert wanted <= call.kwargs, f"{call.key}: missing {wanted - call.kwargs}"
    assert call.spread or call.kwargs <= wanted | {"count"}, f"{call.key}: unused {call.kwargs - wanted}"


def test_plural_forms_say_the_count() -> None:
    for key, entry in CATALOGUE.items():
        if isinstance(entry, dict):
            assert all("{count}" in form for form in entry.values()), key
        else:
            assert "(s)" not in entry, f"{key}: write one and other forms (tn) instead of « (s) »"


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _vocabularies(tree: ast.AST) -> set[int]:
    """The keys of `…_WORDS = {…}` dicts: what users type (matched after normalising), not what they read."""
    ids = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Dict)):
            continue
        targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
        if any(isinstance(x, ast.Name) and x.id.endswith("_WORDS") for x in targets):
            ids |= {id(k) for k in node.value.keys if k is not None}
    return ids


def test_no_user_text_outside_the_catalogue_and_the_templates() -> None:
    stray = []
    for path in sorted(SRC.rglob("*.py")):
        if path.parent.name == "messages":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree) | _vocabularies(tree)
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
            if id(node) not in docs and FRENCH.search(text):
                stray.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value[:60]!r}")
    assert not stray, "\n".join(stray)
