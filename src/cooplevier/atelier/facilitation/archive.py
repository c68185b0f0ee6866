"""Hand-over: the whole workshop as one zip archive, and erasing one participant.

The archive holds what the organiser keeps and hands over (docs/atelier.md, « Remettre
l'atelier »): every answer file of the folder (comments are in them), the votes, the synthesis in
HTML, Markdown and JSON, a manifest of the settings and a LISEZMOI. Unzipped, it is a folder that
`cooplevier report` and `compare` read as they read the workshop's own (next year's comparison).

It never holds the state's secrets: not the state file (workshop code, facilitator key, token
secret), not the participants' records, not the published copy, not the Wi-Fi password (which is
never on disk). The state folder's files are taken by an allow-list of names (`HANDED_OVER`), never
by a pattern, so a secret added there later is left out by default.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import stat
import unicodedata
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from cooplevier.atelier.state import answers_path, records_dir, save_published, state_dir
from cooplevier.files import fsync_dir

if TYPE_CHECKING:
    from cooplevier.atelier.workshop import Workshop

# Files of the state folder that hold no secret and belong to the hand-over, by exact name.
HANDED_OVER: tuple[str, ...] = ("votes.json",)
MAX_FILE = 8 * 1024 * 1024  # an answer file is a few kilobytes: anything bigger is not one of ours


def slug(text: str) -> str:
    """A file-name-safe ASCII rendering of a territory's name (« Pays de Figeac » -> pays-de-figeac)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60] or "atelier"


def archive_name(w: Workshop, today: dt.date | None = None) -> str:
    return f"atelier-{slug(w.state.settings.territory)}-{(today or dt.date.today()).isoformat()}"


def build_archive(w: Workshop, *, today: dt.date | None = None) -> bytes:
    """The zip archive of the workshop (see the module's docstring); `w.results()` may be empty."""
    from cooplevier.report.synthesis import render_synthesis
    from cooplevier.report.templating import render

    root = archive_name(w, today)
    out = io.BytesIO()
    answer_files = _answer_files(w.folder)
    handed = [(name, data) for name in HANDED_OVER if (data := _read_regular(state_dir(w.folder) / name)) is not None]
    syn = w.synthesis() if w.results() else None
    settings = w.state.settings
    manifest = {
        "cooplevier": "atelier-archive/1",
        "territory": settings.territory,
        "structure": settings.structure,
        "form": settings.form or "full",
        "min_group": settings.min_group,
        "organiser": settings.organiser,
        "retention": settings.retention,
        "content": w.pack.ref,
        "created": w.state.created,
        "closed": w.state.closed,
        "participants": len(list(w.registry)),
        "answer_files": [name for name, _ in answer_files],
        "votes": [f"votes/{name}" for name, _ in handed],
        "comments": "commentaires.json",
        "synthesis": [f"synthese/synthese.{fmt}" for fmt in ("html", "md", "json")] if syn else [],
    }
    readme = render(
        "atelier/archive_lisezmoi.md.j2",
        {"m": manifest, "root": root, "today": (today or dt.date.today()).isoformat()},
    )
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in answer_files:
            zf.writestr(f"{root}/{name}", data)
        for name, data in handed:
            zf.writestr(f"{root}/votes/{name}", data)
        if syn is not None:
            for fmt in ("html", "md", "json"):
                zf.writestr(f"{root}/synthese/synthese.{fmt}", render_synthesis(syn, w.pack, fmt=fmt))
        zf.writestr(f"{root}/commentaires.json", json.dumps(comments(w), ensure_ascii=False, indent=1) + "\n")
        zf.writestr(f"{root}/atelier.json", json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
        zf.writestr(f"{root}/LISEZMOI.md", readme)
    return out.getvalue()


def comments(w: Workshop) -> list[dict[str, str | None]]:
    """Every comment typed on a phone, by question, with the role and without the name."""
    by_id = w.registry.by_id
    found = [
        {
            "lever": by_id[qid].lever if qid in by_id else None,
            "question": qid,
            "text": answer.comment,
            "role": person.role,
        }
        for person in w.registry
        for qid, answer in person.answers.items()
        if answer.comment
    ]
    return sorted(found, key=lambda c: (str(c["question"]), str(c["role"]), str(c["text"])))


def _answer_files(folder: Path) -> list[tuple[str, bytes]]:
    """Every answer file `report DIR` would read at the folder's top (typed-in paper forms too)."""
    found = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            if entry.name.lower().endswith((".yaml", ".yml")) and not entry.name.startswith("."):
                data = _read_regular(Path(entry.path))
                if data is not None:
                    found.append((entry.name, data))
    return found


def _read_regular(path: Path) -> bytes | None:
    """A regular file's bytes (never through a link, never a device), or None."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE:
            return None
        return path.read_bytes()
    except OSError:
        return None


# -- erasing one participant ----------------------------------------------------------------------


async def erase_participant(w: Workshop, pid: str) -> bool:
    """Remove one participant's answers (with their comments), their record and their votes.

    The screen's copies go first: they leave the published copy, and their role's figures on their
    questions are held until K others change (publish.py), so that no view before and after gives
    their answers by subtraction; then their ballot (and the vote's screen copy); their answer file
    and record last (fsynced), since while it is there the dashboard lists them and a killed server
    lets the facilitator erase them again. Then the server forgets them: their cookie and resume
    link lead to the join page. False if nobody has that id.
    """
    from cooplevier.atelier.vote import erase_ballot

    person = w.registry.get(pid)
    if person is None:
        return False
    async with person.lock:
        reg = w.registry
        if reg.people.get(pid) is not person:  # erased meanwhile, by a second click
            return False
        # forgotten by the screen first: while the files go (awaited), no view may take their
        # answers for a change since the erasure (publish.py's hold) and publish them again
        reg.people.pop(pid)
        reg.version += 1
        try:
            w.published.erase(
                pid, person.role, [(p.id, p.role, {q: a.value for q, a in p.answers.items()}) for p in reg]
            )
            await reg.disk.run(save_published, w.folder, w.published)  # on disk at once: no copy of them is left
            w.published.changed = False
            erase_ballot(w.folder, pid)  # in the event loop, as every change of the live vote
            await reg.disk.run(_remove_files, w.folder, pid)  # their comments go with their answer file
        except BaseException:
            reg.people[pid] = person  # their file is still there: listed, to be erased again
            reg.version += 1
            raise
        reg.digests.pop(pid, None)
        reg.stats.pop(pid, None)
        held = reg.locks.pop(pid, None)  # the file lock the server held on their (now gone) answer file
        if held is not None:
            held.release()
        w._scores.pop(pid, None)
        w._shown_scores.pop(pid, None)
    return True


def _remove_files(folder: Path, pid: str) -> None:
    """Their answer file, their record, and the copies kept when their file was edited outside
    (`.cooplevier-atelier/conflits/reponses-<id>.atelier-<time>.yaml`, participants.py)."""
    conflicts = state_dir(folder) / "conflits"
    kept = sorted(conflicts.glob(f"reponses-{pid}.*")) if conflicts.is_dir() else []
    for path in (answers_path(folder, pid), records_dir(folder) / f"{pid}.json", *kept):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    fsync_dir(folder)
    fsync_dir(records_dir(folder))
    if kept:
        fsync_dir(conflicts)
