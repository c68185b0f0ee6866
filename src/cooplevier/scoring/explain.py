"""`cooplevier explain`: every number of a score traced back to the answers that made it."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from cooplevier import numbers
from cooplevier.content.model import Pack
from cooplevier.messages import t
from cooplevier.scoring.engine import BALANCE_THRESHOLDS, LeverScore, QuestionScore, Result, to_dict
from cooplevier.typography import inner, typeset

fr = numbers.decimal


def _exact(value: Fraction) -> bool:
    return (value * 100).denominator == 1


def equation(terms: list[Fraction] | list[int], mean: Fraction) -> str:
    """'(4 + 3) / 2 = 3,5' — or '≈ 3,33' when the mean has more than two decimals."""
    head = f"({' + '.join(fr(x) for x in terms)}) / {len(terms)}" if len(terms) > 1 else fr(terms[0])
    sign = "=" if _exact(mean) else "≈"
    if len(terms) == 1:
        return head
    return f"{head} {sign} {fr(mean)}"


def _answer(q: QuestionScore) -> str:
    if q.value is None:
        return t("explain.unanswered")
    if q.value == "na":
        return t("explain.na")
    if q.value == "unknown":
        return t("explain.unknown")
    return t("explain.level", level=q.value)


def _lever_line(lv: LeverScore, result: Result, pack: Pack) -> str:
    levels = [int(q.value) for q in lv.questions if isinstance(q.value, int)]
    if lv.mean is None:
        return t("explain.lever_none")
    label = inner(pack.step_label(lv.step or 1))
    line = t("explain.lever_mean", eq=equation(levels, lv.mean), step=lv.step, label=label)
    if lv.id in result.file_targets:
        return line + t("explain.target_file", target=lv.target)
    return line + t("explain.target_default", target=lv.target)


def explain_text(result: Result, pack: Pack) -> str:
    """The explanation as plain text (pipeable; no colour codes)."""
    out: list[str] = [t("explain.head", territory=result.territory, file=result.file or "-"), t("explain.rules"), ""]
    for axis in pack.axes:
        a = result.axes[axis.id]
        out.append(t("explain.axis", title=inner(axis.title), id=axis.id))
        for lid in axis.levers:
            lv = result.levers[lid]
            out.append(f"  {lid} {typeset(pack.lever(lid).short_title)}")
            for q in lv.questions:
                where = t("explain.line", line=q.line) if q.line else t("explain.no_line")
                out.append(f"    {q.id:<7} {where:<10} {_answer(q)}")
            out.append("    → " + _lever_line(lv, result, pack))
        if a.mean is None:
            out.append("  ⇒ " + t("explain.axis_none"))
        else:
            means = [result.levers[lid].mean for lid in a.levers]
            eq = equation([m for m in means if m is not None], a.mean)
            out.append("  ⇒ " + t("explain.axis_mean", levers=" + ".join(a.levers), eq=eq, step=a.step))
        out.append("")

    scored = [a for a in result.axes.values() if a.mean is not None]
    if result.overall.mean is None or not scored:
        out.append(t("explain.overall_none"))
    else:
        eq = equation([a.mean for a in scored if a.mean is not None], result.overall.mean)
        weakest = inner(pack.axis(result.weakest_axis).title) if result.weakest_axis else "—"
        out.append(t("explain.overall", eq=eq, step=result.overall.step, weakest=weakest))
        out.append(_balance_line(result, pack))
    out.append("")
    out.append(t("explain.priorities"))
    if not result.priorities:
        out.append("  " + t("explain.no_priority"))
    for rank, lid in enumerate(result.priorities, 1):
        lv = result.levers[lid]
        out.append(f"  {rank}. {lid} {typeset(pack.lever(lid).short_title)} — {_reason(rank, lv, result, pack)}")
    out.append("")
    out.append(
        t("explain.completeness", answered=result.answered, total=result.total, pct=round(result.completeness * 100))
    )
    if result.to_verify:
        out.append(t("explain.to_verify", ids=", ".join(result.to_verify)))
    out += ["", t("explain.divergence", rule=t("synthesis.rule"), roles=t("synthesis.rule_roles"))]
    return "\n".join(out) + "\n"


def _balance_line(result: Result, pack: Pack) -> str:
    ranked = sorted((a for a in result.axes.values() if a.mean is not None), key=lambda a: a.mean or 0)
    high, low = ranked[-1], ranked[0]
    limits = typeset(" ; ".join(f"< {fr(limit)} : {_balance_word(label)}" for limit, label in BALANCE_THRESHOLDS))
    return t(
        "explain.balance",
        high=inner(pack.axis(high.id).title),
        low=inner(pack.axis(low.id).title),
        hi=fr(high.mean or 0),
        lo=fr(low.mean or 0),
        spread=fr(result.spread or 0),
        balance=_balance_word(result.balance),
        limits=limits,
    )


def _balance_word(balance: str | None) -> str:
    return {
        "equilibree": t("explain.balance.equilibree"),
        "fragile": t("explain.balance.fragile"),
        "desequilibree": t("explain.balance.desequilibree"),
    }.get(balance or "", numbers.NONE)


def _reason(rank: int, lv: LeverScore, result: Result, pack: Pack) -> str:
    if rank == 1 and lv.axis == result.weakest_axis:
        return t("explain.reason_weakest", score=fr(lv.mean or 0), axis=inner(pack.axis(lv.axis).title))
    if lv.id in result.file_targets:
        return t("explain.reason_target_file", step=lv.step, target=lv.target, axis=inner(pack.axis(lv.axis).title))
    return t("explain.reason_target", step=lv.step, target=lv.target, axis=inner(pack.axis(lv.axis).title))


def explain_data(result: Result, pack: Pack) -> dict[str, Any]:
    """`explain --format json`: the score dict plus, per lever, each question and the computation."""
    data = to_dict(result)
    for lid, lv in result.levers.items():
        levels = [int(q.value) for q in lv.questions if isinstance(q.value, int)]
        data["levers"][lid]["questions"] = [
            {"id": q.id, "answer": q.value, "line": q.line, "comment": q.comment} for q in lv.questions
        ]
        data["levers"][lid]["computation"] = equation(levels, lv.mean) if lv.mean is not None else None
    for aid, a in result.axes.items():
        means = [m for lid in a.levers if (m := result.levers[lid].mean) is not None]
        data["axes"][aid]["levers"] = list(a.levers)
        data["axes"][aid]["computation"] = equation(means, a.mean) if a.mean is not None else None
    data["divergence_rule"] = {"text": t("synthesis.rule"), "roles_text": t("synthesis.rule_roles")}
    data["reasons"] = {
        lid: _reason(rank, result.levers[lid], result, pack) for rank, lid in enumerate(result.priorities, 1)
    }
    return data
