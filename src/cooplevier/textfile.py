"""Reading a user's text file: a size bound, a regular file only, and one rule for encodings.

UTF-8 (with or without BOM) and UTF-16/32 with a BOM are read as they are. A file that is not
valid UTF-8 is read as Windows-1252 only when it holds no valid UTF-8 sequence at all (a file
saved by an old Windows editor), with a warning. A file that mixes valid UTF-8 with a stray
byte is refused at the line of that byte: re-reading valid UTF-8 as cp1252 would garble every
accented letter of it ("ÃŽle-de-France"), and a program that then saves it would keep the damage.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from cooplevier.errors import CooplevierError, os_reason
from cooplevier.messages import t
from cooplevier.numbers import count

# cp1252 leaves these five bytes undefined: a file holding one is not Windows-1252 either.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
# A well-formed UTF-8 sequence of two to four bytes (what an accented letter looks like in UTF-8).
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def read_bytes(path: Path, *, max_bytes: int, label: str | None = None) -> bytes:
    """The bytes of a regular file, refused (French, located) when it is too big or unreadable."""
    name = label or str(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise CooplevierError(t("file.is_dir"), file=name)
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            raise CooplevierError(t("input.not_regular"), file=name)
        with open(path, "rb") as fh:
            # Sized from stat: read(max_bytes + 1) would allocate the whole bound for every file.
            raw = fh.read(min(info.st_size, max_bytes) + 1)
            if len(raw) > info.st_size:  # the file grew meanwhile: read on, up to the bound
                raw += fh.read(max(0, max_bytes + 1 - len(raw)))
    except FileNotFoundError:
        raise CooplevierError(t("file.not_found"), file=name) from None
    except OSError as exc:
        raise CooplevierError(t("file.unreadable", reason=os_reason(exc)), file=name) from None
    if len(raw) > max_bytes:
        size = count(max(info.st_size, len(raw)))
        raise CooplevierError(t("file.too_big", size=size, limit=count(max_bytes)), file=name)
    return raw


def read_text(path: Path, *, max_bytes: int, label: str | None = None) -> tuple[str, tuple[str, ...]]:
    """The text of a user's file and the warnings about how it was read."""
    return decode(read_bytes(path, max_bytes=max_bytes, label=label), label or str(path))


def decode(raw: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    """Bytes to text by the rule in the module docstring; (text, warnings)."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: same prefix
        try:
            return raw.decode("utf-32"), ()
        except UnicodeDecodeError:
            raise CooplevierError(t("file.binary"), file=name) from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), ()
        except UnicodeDecodeError:
            pass
    if b"\x00" in raw:
        if len(raw) >= 4 and (raw[1::2].count(0) > len(raw) // 4 or raw[0::2].count(0) > len(raw) // 4):
            raise CooplevierError(t("input.utf16_no_bom"), file=name)
        raise CooplevierError(t("file.binary"), file=name, line=raw[: raw.index(b"\x00")].count(b"\n") + 1)
    try:
        return raw.decode("utf-8-sig"), ()
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - raw.rfind(b"\n", 0, exc.start)
        if _UTF8_MULTIBYTE.search(raw) is not None:  # some of it is UTF-8: a stray byte, not cp1252
            raise CooplevierError(t("file.stray_byte", byte=raw[exc.start]), file=name, line=line, col=col) from None
        if not (_CP1252_UNDEFINED & set(raw)):
            return raw.decode("cp1252"), (f"{name}: " + t("warning.line", note=t("file.cp1252")),)
        raise CooplevierError(t("file.not_utf8", byte=raw[exc.start]), file=name, line=line, col=col) from None
