"""The one number formatter: every score a user reads, in any output, goes through here.

A score is exact (a `Fraction` from the scoring engine). It is shown with two decimals at most,
rounded half up, except that it is never rounded up onto a stair that was not reached: 719/240
(2.9958…, step 2) shows as 2,99, not 3. The JSON `score` is the same value as a number, so the
terminal, Markdown, HTML, CSV, XLSX, `explain`, the wheel and the heatmap all agree with it.
"""

from __future__ import annotations

import math
from fractions import Fraction

Number = Fraction | int | float

_HUNDRED = 100
NONE = "—"  # what stands for "no score" in text outputs


def score_value(value: Number | None) -> float | None:
    """The score as shown: two decimals, half up, never onto an unreached stair (None stays None)."""
    if value is None:
        return None
    if type(value) is int:
        return float(value)
    exact = value if type(value) is Fraction else Fraction(value)
    num, den = exact.numerator, exact.denominator  # integer arithmetic: batch scoring is hot
    hundredths = (2 * _HUNDRED * num + den) // (2 * den)  # floor(100 x + 1/2): half up
    if hundredths // _HUNDRED > num // den:  # 2.996 would read 3,00 beside "marche 2"
        hundredths = (_HUNDRED * num) // den
    return hundredths / _HUNDRED


def step_of(value: Number | None) -> int | None:
    """The stair fully reached by a score: its integer part."""
    return None if value is None else math.floor(Fraction(value))


def decimal(value: Number | None, *, mark: str = ",") -> str:
    """A number the French way, up to two decimals, trailing zeros dropped: 3,5 · 2,25 · 3."""
    if value is None:
        return NONE
    exact = Fraction(value)
    if exact < 0:
        return "\u2212" + decimal(-exact, mark=mark)
    text = f"{score_value(exact):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", mark)


def score(value: Number | None) -> str:
    """A score as text: `2,99`, `3,5`, `4`; `—` when there is none."""
    return decimal(value)


def delta(value: Number | None) -> str:
    """A signed difference of scores: `+0,5`, `−1,25`, `0` (a true minus sign)."""
    if value is None:
        return NONE
    exact = Fraction(value)
    magnitude = decimal(abs(exact))
    return magnitude if magnitude == "0" else ("+" if exact > 0 else "\u2212") + magnitude


def percent(fraction: Number) -> str:
    """A share as a whole percentage with the French narrow space: `75 %`."""
    return f"{round(Fraction(fraction) * 100)}\u202f%"


def integer(value: int | None) -> str:
    return NONE if value is None else str(value)


def count(value: int) -> str:
    """A count the French way, thousands apart by a narrow no-break space: `2 000`, `14 700`."""
    return f"{value:,}".replace(",", "\u202f")
