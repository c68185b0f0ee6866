"""Workshop handouts — lever cards, paper questionnaire, facilitator guide, group poster.

Everything is rendered from the content pack through `templates/handout_*.j2`, so the printed
material never drifts from the tool. The core returns text or bytes and never prints.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from cooplevier.answers import ROLES
from cooplevier.content import Axis, Lever, Pack
from cooplevier.errors import CooplevierError
from cooplevier.messages import labels, t

Kind = Literal["cards", "questionnaire", "guide", "poster"]
KINDS: tuple[Kind, ...] = get_args(Kind)
Format = Literal["html", "md", "pdf"]
NA_LABEL = t("answer.na")
UNKNOWN_LABEL = t("answer.unknown")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_TIMEOUT = 120

# A card must fit on one A4 page: the longer its text, the smaller its type. The thresholds are
# characters of content (rationale, practices, cases, vigilance, discussion) measured on the
# shipped pack and checked by printing every card with Chromium (tests/test_handouts_browser.py).
DENSITY_STEPS: tuple[tuple[int, str], ...] = ((2600, "airy"), (3800, "normal"), (4700, "dense"))
DENSITY_MAX = "tight"


@dataclass(frozen=True, slots=True)
class CardCase:
    name: str
    kind: str | None
    summary: str
    editorial: bool
    note: str | None


@dataclass(frozen=True, slots=True)
class Card:
    lever: Lever
    axis_title: str
    cases: tuple[CardCase, ...]
    density: str
    question_ids: tuple[str, ...]


def _density(chars: int) -> str:
    for limit, name in DENSITY_STEPS:
        if chars <= limit:
            return name
    return DENSITY_MAX


def cards(pack: Pack, lever_id: str | None = None) -> list[Card]:
    """One card per lever (or just `lever_id`), with the cases that illustrate it."""
    levers = [pack.lever(lever_id)] if lever_id else list(pack.levers)
    result: list[Card] = []
    for lv in levers:
        cases = []
        for case in pack.cases_for(lv.id):
            link = next(ln for ln in case.levers if ln.lever == lv.id)
            cases.append(CardCase(case.name, case.kind, case.summary.text, link.source == "editorial", link.note))
        texts = [*lv.rationale, *lv.practices, *lv.vigilance, *lv.discussion]
        chars = sum(len(x.text) for x in texts) + sum(len(c.summary) + len(c.note or "") for c in cases)
        chars += len(lv.title) + 40 * len(texts)  # each item costs a line end, roughly
        question_ids = tuple(q.id for q in pack.questions_for(lv.id))
        result.append(Card(lv, pack.axis(lv.axis).title, tuple(cases), _density(chars), question_ids))
    return result


def questionnaire_sections(pack: Pack) -> list[dict[str, Any]]:
    """Axis -> levers -> questions, in questionnaire order."""
    return [
        {
            "axis": axis,
            "levers": [
                {"lever": pack.lever(lid), "questions": list(pack.questions_for(lid))} for lid in axis.levers
            ],
        }
        for axis in pack.axes
    ]


def context(
    kind: Kind,
    pack: Pack,
    *,
    lever_id: str | None = None,
    answer_paths: Sequence[Path] = (),
    today: dt.date | None = None,
    on_error: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Everything a handout template needs."""
    ctx: dict[str, Any] = {
        "pack": pack,
        "meta": pack.meta,
        "axes": pack.axes,
        "levers": pack.levers,
        "staircase": pack.staircase,
        "roles": tuple(labels("role.short", ROLES).items()),
        "na_label": NA_LABEL,
        "unknown_label": UNKNOWN_LABEL,
        "question_count": len(pack.questions),
        "today": (today or dt.date.today()).isoformat(),
    }
    if kind == "cards":
        ctx["cards"] = cards(pack, lever_id)
    elif kind == "questionnaire":
        ctx["sections"] = questionnaire_sections(pack)
    elif kind == "guide":
        ctx["sections"] = questionnaire_sections(pack)
        ctx["axes_lines"] = [
            f"{axis.title} : " + ", ".join(f"{lid} {pack.lever(lid).short_title}" for lid in axis.levers)
            for axis in pack.axes
        ]
        ctx["step_lines"] = [f"{s.level}. {s.label.text} — {s.description.text}" for s in pack.staircase]
        ctx["lever_lines"] = [f"{lv.id} — {lv.title}" for lv in pack.levers]
    elif kind == "poster":
        ctx.update(poster_context(pack, answer_paths, on_error=on_error))
    return ctx


def render_handout(
    kind: Kind,
    pack: Pack,
    *,
    fmt: Format = "html",
    lever_id: str | None = None,
    answer_paths: Sequence[Path] = (),
    template_dir: Path | None = None,
    on_error: Callable[[str], None] | None = None,
) -> str | bytes:
    """The handout `kind` as HTML or Markdown text, or PDF bytes (`on_error`: see poster_context)."""
    from cooplevier.render import render

    if kind == "poster" and not answer_paths:
        raise CooplevierError(t("handout.poster_needs_answers"))
    ctx = context(kind, pack, lever_id=lever_id, answer_paths=answer_paths, on_error=on_error)
    if fmt == "md":
        text = render(f"handout_{kind}.md.j2", ctx, template_dir=template_dir)
        return re.sub(r"\n{3,}", "\n\n", text)
    html = render(f"handout_{kind}.html.j2", ctx, template_dir=template_dir)
    if fmt == "pdf":
        return html_to_pdf(html)
    return html


# ---------------------------------------------------------------- poster


def poster_context(
    pack: Pack, answer_paths: Sequence[Path], *, on_error: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """The group picture, from the workshop synthesis (same figures, same divergence rule).

    With `on_error`, refused files are reported there and the poster shows the valid ones.
    """
    from cooplevier.batch import collect, score_all
    from cooplevier.synthesis import NO_ROLE, ROLE_GAP, SPREAD, synthesize
    from cooplevier.wheel import WheelSeries, wheel_svg

    report = None if on_error is None else (lambda failed: on_error(failed.message))
    results = score_all(collect(answer_paths), pack, on_error=report)

    syn = synthesize(results, pack)
    rows = []
    means: dict[str, float | None] = {}
    for axis in pack.axes:
        for lid in axis.levers:
            lever = syn.levers[lid]
            means[lid] = lever.stats.mean
            rows.append(
                {
                    "lever": pack.lever(lid),
                    "axis": axis,
                    "mean": lever.stats.mean,
                    "min": lever.stats.min,
                    "max": lever.stats.max,
                    "spread": lever.stats.spread,
                    "answered": lever.stats.n,
                    "divergent": lever.divergent,
                    "by_role": dict(lever.stats.by_role),
                }
            )
    axes_rows: list[dict[str, Any]] = []
    weakest: Axis | None = None
    weakest_mean: float | None = None
    for axis in pack.axes:
        axis_mean = syn.axes[axis.id].mean
        axes_rows.append({"axis": axis, "mean": axis_mean})
        if axis_mean is not None and (weakest_mean is None or axis_mean < weakest_mean):
            weakest, weakest_mean = axis, axis_mean
    roles = dict(syn.roles)
    territories = sorted({r.territory for r in results})
    wheel = wheel_svg(pack, [WheelSeries("Moyenne du groupe", means)], title="La roue du groupe", size=420)
    return {
        "respondents": len(results),
        "roles_count": roles,
        "territories": territories,
        "rows": rows,
        "axes_rows": axes_rows,
        "weakest": weakest,
        "divergent": [row for row in rows if row["divergent"]],
        "divergence_gap": ROLE_GAP,
        "divergence_spread": SPREAD,
        "wheel": wheel,
        "role_labels": labels("role.short", [*ROLES, NO_ROLE]),
    }


# ---------------------------------------------------------------- PDF


def pdf_engine() -> str | None:
    """'weasyprint' if importable, else the path of a Chromium-like browser, else None."""
    if importlib.util.find_spec("weasyprint") is not None:
        return "weasyprint"
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def html_to_pdf(html: str) -> bytes:
    """Print HTML to PDF with WeasyPrint or headless Chromium; a clear French error otherwise."""
    engine = pdf_engine()
    if engine is None:
        raise CooplevierError(t("handout.no_pdf_engine"))
    if engine == "weasyprint":
        import weasyprint  # type: ignore[import-not-found,unused-ignore]

        data = weasyprint.HTML(string=html).write_pdf()
        return bytes(data)
    return chromium_pdf(html, engine)


def chromium_pdf(html: str, browser: str) -> bytes:
    """Print through headless Chromium in a throw-away profile and folder."""
    with tempfile.TemporaryDirectory(prefix="cooplevier-pdf-") as tmp:
        page = Path(tmp) / "handout.html"
        out = Path(tmp) / "handout.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
            "--no-pdf-header-footer",
            page.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=CHROMIUM_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise CooplevierError(t("handout.pdf_failed", reason=type(exc).__name__)) from None
        if not out.is_file() or out.stat().st_size == 0:
            reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"code {proc.returncode}"]
            raise CooplevierError(t("handout.pdf_failed", reason=reason[0][:200]))
        return out.read_bytes()


# ---------------------------------------------------------------- blank answer file


def blank_answers(pack: Pack) -> str:
    """An `answers/1` file to complete in a text editor: every question as comments."""
    from cooplevier.answers import FORMAT

    lines = [
        "# Questionnaire cooplevier — fichier de réponses à compléter dans un éditeur de texte",
        f"# ({pack.meta.title}, {len(pack.questions)} questions ; contenu {pack.ref})",
        "#",
        "# Mode d'emploi :",
        "#  1. Écrivez le nom du territoire entre les guillemets de « territory ».",
        "#  2. Indiquez votre nom et votre rôle (facultatifs) après « name: » et « role: ».",
        "#  3. Pour chaque question, écrivez votre réponse après les deux-points de son",
        "#     identifiant : un chiffre de 1 à 5 (la situation la plus proche de la vôtre),",
        "#     na (non concerné) ou unknown (je ne sais pas). Exemple :   L1.Q1: 3",
        "#     Une question laissée vide compte comme non répondue.",
        "#  4. Enregistrez en UTF-8 puis vérifiez :   cooplevier validate CE-FICHIER.yaml",
        "#",
        f"cooplevier: {FORMAT}",
        'territory: ""    # obligatoire : le nom du territoire, ex. "Pays de Figeac"',
        "respondent:",
        "  name:          # facultatif : votre nom",
        f"  role:          # facultatif : {', '.join(ROLES)}",
        "date:            # facultatif : AAAA-MM-JJ",
        "answers:",
    ]
    for section in questionnaire_sections(pack):
        axis = section["axis"]
        lines.append("")
        lines.append(f"  # ===== Axe : {_one_line(axis.title)}")
        for block in section["levers"]:
            lv = block["lever"]
            lines.append("")
            lines.append(f"  # ----- {lv.id} — {_one_line(lv.title)}")
            for q in block["questions"]:
                lines.append("")
                lines.append(f"  # {q.id} — {_one_line(q.text)}")
                for choice in q.choices:
                    lines.append(f"  #     {choice.level} = {_one_line(choice.label)}")
                lines.append(f"  #     na = {NA_LABEL} ; unknown = {UNKNOWN_LABEL}")
                lines.append(f"  {q.id}:")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
