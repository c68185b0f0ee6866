"""Every sentence the program says in the terminal, in one checked catalogue (French only).

Reports and handouts keep their prose in `templates/`; everything else goes through `t()`, or
`tn()` for a sentence that depends on a count. Keys are always written out as literals at the
call site (never built at run time), so `tests/test_messages.py` can check that every key used
exists and every key defined is used. The catalogue is split by layer, one module each.

Every sentence is typeset for French (`cooplevier.typography`) before its values are put in, so
a value — a file name, a territory, a user's comment, a text of the content pack — is printed
exactly as given (a caller that puts content in a sentence typesets it itself).
"""

from __future__ import annotations

import functools

from cooplevier.messages import assess, atelier, cli, content, files, office, plan, reports
from cooplevier.typography import typeset_template

Entry = str | dict[str, str]


def _merge(*parts: dict[str, Entry]) -> dict[str, Entry]:
    merged: dict[str, Entry] = {}
    for part in parts:
        merged.update(part)
    return merged


CATALOGUE: dict[str, Entry] = _merge(
    files.FR, content.FR, assess.FR, cli.FR, reports.FR, office.FR, atelier.FR, plan.FR
)


def t(key: str, /, **kwargs: object) -> str:
    """The message `key`, typeset, formatted with `kwargs`."""
    template = CATALOGUE[key]
    if not isinstance(template, str):
        raise TypeError(f"{key} depends on a count: use tn()")  # a programming error, caught by tests
    return typeset_template(template).format(**kwargs)


def tn(key: str, count: int, /, **kwargs: object) -> str:
    """The message `key` in the form French uses for `count` (0 and 1 are singular), with `count`."""
    forms = CATALOGUE[key]
    if isinstance(forms, str):
        raise TypeError(f"{key} has no plural forms: use t()")
    template = forms["one"] if abs(count) < 2 else forms["other"]
    return typeset_template(template).format(count=count, **kwargs)


def role_label(role: str) -> str:
    """A role in running text and tick boxes: « élue ou élu »; unknown ids are shown as they are."""
    return _roles().get(role, (role, role, role))[0]


def role_group(role: str) -> str:
    """A role as the heading of a group of respondents (synthesis tables, wheel legend)."""
    return _roles().get(role, (role, role, role))[1]


def role_choice(role: str) -> str:
    """A role as a choice in a menu, with who it covers."""
    return _roles().get(role, (role, role, role))[2]


@functools.cache
def _roles() -> dict[str, tuple[str, str, str]]:
    """The one table of the roles' French: in running text, as a group's heading, as a menu choice
    (the roles themselves: `content.ROLES`; « sans rôle » is never offered as a choice)."""
    return {
        "elu": (t("role.elu"), t("role.group.elu"), t("role.choice.elu")),
        "technicien": (t("role.technicien"), t("role.group.technicien"), t("role.choice.technicien")),
        "societe-civile": (t("role.societe-civile"), t("role.group.societe-civile"), t("role.choice.societe-civile")),
        "partenaire": (t("role.partenaire"), t("role.group.partenaire"), t("role.choice.partenaire")),
        "autre": (t("role.autre"), t("role.group.autre"), t("role.choice.autre")),
        "sans-role": (t("role.sans-role"), t("role.group.sans-role"), "sans-role"),
    }


def answer_label(value: str) -> str:
    """The two answers that are never a step: `na` and `unknown`."""
    return {"na": t("answer.na"), "unknown": t("answer.unknown")}[value]
