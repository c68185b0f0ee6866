"""The characters a text field may hold: one allow-list that every output can carry.

A territory, a name or a comment typed by someone reaches the terminal, CSV, HTML, Markdown, YAML,
and the XML inside DOCX, ODT and XLSX. Rather than refuse what one output is known to choke on
(a deny-list that lags behind the outputs), a text field may hold only characters that all of
them carry and show as what they are:

- tab and line feed, and every other character from U+0020 on, except:
- the controls U+007F–U+009F (C1: the terminal would act on them; a carriage return, from
  U+000D among the C0 controls, would let a text overwrite the line it is printed on);
- surrogates U+D800–U+DFFF (no UTF-8 for them, and XML 1.0 has none);
- noncharacters: U+FDD0–U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF,
  U+1FFFE…; XML 1.0 refuses U+FFFE and U+FFFF, the XLSX and DOCX writers fail on them);
- the format characters that reorder or hide text: bidirectional embeddings and overrides
  U+202A–U+202E and isolates U+2066–U+2069 (a name could print backwards in the terminal,
  « Trojan Source »), the deprecated format controls U+206A–U+206F, the interlinear annotation
  controls U+FFF9–U+FFFB, a byte-order mark U+FEFF inside a text, and the tag characters
  U+E0000–U+E007F (invisible ASCII).

Kept, because real text needs them and no output is harmed: the marks U+200E, U+200F, U+061C
(right-to-left names), the joiners U+200C, U+200D (emoji sequences, Persian), U+200B, U+2060, the
soft hyphen, line and paragraph separators U+2028 and U+2029 (YAML writes them quoted), private
use characters and code points not yet assigned (a newer Unicode may have them).

`refused(text)` returns the first character outside the list; `cleaned(text)` drops them (for a
default made from a folder's name, never for something typed, which is refused and said).
"""

from __future__ import annotations

import functools
import re

# the format characters refused among U+0020 and above, as inclusive ranges
_REFUSED: tuple[tuple[int, int], ...] = (
    (0x7F, 0x9F),
    (0x202A, 0x202E),
    (0x2066, 0x206F),
    (0xD800, 0xDFFF),
    (0xFDD0, 0xFDEF),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0xE0000, 0xE007F),
)


def allowed(ch: str) -> bool:
    """Whether one character may be part of a text field."""
    code = ord(ch)
    if code < 0x20:
        return ch in "\t\n"
    if code & 0xFFFE == 0xFFFE:  # U+xFFFE and U+xFFFF of every plane
        return False
    return not any(low <= code <= high for low, high in _REFUSED)


def refused(text: str) -> str | None:
    """The first character of `text` that a text field may not hold, or None."""
    found = _refused_pattern().search(text)  # one regex scan: a whole pack is checked at each start-up
    return found.group() if found else None


@functools.cache
def _refused_pattern() -> re.Pattern[str]:
    """Every character `allowed()` refuses, as one character class (built once, when first needed)."""
    ranges = [(0x00, 0x08), (0x0B, 0x1F), *_REFUSED]
    ranges += [(plane | 0xFFFE, plane | 0xFFFF) for plane in range(0, 0x110000, 0x10000)]
    return re.compile("[" + "".join(f"{_escape(low)}-{_escape(high)}" for low, high in ranges) + "]")


def _escape(code: int) -> str:
    return f"\\U{code:08x}"


def cleaned(text: str) -> str:
    """`text` without the characters a text field may not hold."""
    return "".join(ch for ch in text if allowed(ch))


def describe(ch: str) -> str:
    """`U+FFFE` and, where Unicode has one, the character's name: how a refusal names it."""
    import unicodedata

    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


MAX_DIGITS = 18  # a whole number read from a form or a file: far beyond any count here, far below
# the 4 300 digits past which `int` refuses to read a text at all


def is_digits(text: str) -> bool:
    """A whole number `int` may read: only the digits 0 to 9, at most MAX_DIGITS of them.
    `str.isdigit` also accepts « ² » (which `int` refuses) and « ٣ » or « ３ » (which `int` reads
    as 3), and 5 000 nines are digits that `int` refuses to read."""
    return text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS
