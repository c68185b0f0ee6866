"""The workshop's own state: its secrets and settings, kept in DIR so that a restart keeps every link.

Layout of a workshop folder (docs/atelier.md):

    DIR/reponses-<id>.yaml                 one answers/1 file per participant (what `report DIR` reads)
    DIR/.cooplevier-atelier/state.json     code, facilitator key, token secret, settings (mode 0600)
    DIR/.cooplevier-atelier/participants/  one small JSON record per participant: where they are

Nothing in the dot-folder ends in `.yaml`, so `cooplevier report DIR` never takes it for answers.
Participant tokens are not stored one by one: each is the participant's id and an HMAC of it
under the state's secret, so a join costs no write to the shared state file and every token still
checks after a restart.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cooplevier import charset
from cooplevier.content.model import FORMS, STRUCTURES, Form, Structure
from cooplevier.errors import CooplevierError, os_reason
from cooplevier.files import fsync_dir
from cooplevier.messages import t

if TYPE_CHECKING:
    from cooplevier.atelier.publish import Published

STATE_FORMAT = "cooplevier-atelier/1"
STATE_DIR = ".cooplevier-atelier"
STATE_FILE = "state.json"
DEFAULT_MIN_GROUP = 3
PUBLISHED_FILE = "published.json"  # the answers the screen is drawn from (atelier.publish)
RECORDS_DIR = "participants"
# Crockford's base32 without i, l, o, u: a code read aloud or copied from a poster is typed right.
CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
CODE_CHARS = 16  # 16 x 5 = 80 bits: far beyond guessing, still typeable in four groups of four
MAX_STATE_BYTES = 64 * 1024
NOTICE_MAX = 300  # --organiser, --retention: one line of the data page


@dataclass(frozen=True, slots=True)
class Settings:
    """What a workshop asks: fixed when it is created, kept across restarts."""

    territory: str
    structure: Structure | None = None
    form: Form | None = None
    min_group: int = DEFAULT_MIN_GROUP  # --min-group: promised to the room on its first page, so kept
    # what the data page owes the room (RGPD art. 13): who is responsible, and for how long data is
    # kept; given on any start, the latest kept (the organiser may settle it after a first session)
    organiser: str | None = None  # --organiser: « Communauté de communes X, dpo@… »
    retention: str | None = None  # --retention: « jusqu'au 31 décembre 2027 »


@dataclass(frozen=True, slots=True)
class State:
    """The secrets of one workshop and its settings."""

    code: str  # in the participant link
    key: str  # in the facilitator link; separate, never derived from the code
    secret: bytes  # signs participant tokens and CSRF tokens
    settings: Settings
    created: str
    closed: bool = False
    port: int | None = None  # where it last listened: a restart without --port keeps the links
    hidden: bool = True  # results held off the screen until the facilitator reveals them (new workshops start hidden)

    @property
    def display_code(self) -> str:
        """The code in groups of four, as printed in links and on the poster."""
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))

    def sign(self, purpose: str) -> str:
        """A 128-bit URL-safe tag of `purpose` under the secret."""
        digest = hmac.new(self.secret, purpose.encode("utf-8"), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

    def token_for(self, participant: str) -> str:
        return f"{participant}.{self.sign('participant:' + participant)}"

    def participant_of(self, token: str | None) -> str | None:
        """The participant id a token belongs to, or None if the token is not one of ours."""
        if not token or token.count(".") != 1:
            return None
        pid, tag = token.split(".")
        if not is_participant_id(pid):
            return None
        return pid if hmac.compare_digest(tag, self.sign("participant:" + pid)) else None

    def code_matches(self, typed: str) -> bool:
        """Whether a code from a URL is this workshop's: case and dashes do not matter."""
        return hmac.compare_digest(normalise_code(typed).encode(), self.code.encode())

    def key_matches(self, typed: str) -> bool:
        return hmac.compare_digest(typed.encode("utf-8", "replace"), self.key.encode())

    @property
    def screen_key(self) -> str:
        """The key of the pages made to be projected (synthesis, QR code): read-only, separate from
        the facilitator's key, so a photo of the projector's address bar opens nothing else."""
        return self.sign("screen")

    def screen_matches(self, typed: str) -> bool:
        return hmac.compare_digest(typed.encode("utf-8", "replace"), self.screen_key.encode())


def normalise_code(typed: str) -> str:
    return typed.replace("-", "").strip().lower()


def new_participant_id() -> str:
    return secrets.token_hex(8)


def is_participant_id(value: str) -> bool:
    return len(value) == 16 and all(c in "0123456789abcdef" for c in value)


def state_dir(folder: Path) -> Path:
    return folder / STATE_DIR


def records_dir(folder: Path) -> Path:
    return folder / STATE_DIR / RECORDS_DIR


def answers_path(folder: Path, participant: str) -> Path:
    """A participant's answer file: named by the random id only, never by anything typed."""
    return folder / f"reponses-{participant}.yaml"


def open_workshop(
    folder: Path,
    wanted: Settings | None,
    *,
    structure: Structure | None,
    form: Form | None,
    min_group: int | None = None,
    notice: dict[str, str] | None = None,
) -> State:
    """The workshop in `folder`: created (with the folder) if new, else reloaded and checked.

    `wanted` is None when no territory was given: a new workshop then takes the folder's name.
    On a restart, options left out keep their saved values; an option that contradicts them is
    refused, since answers already given were asked with the saved ones. `notice` (organiser,
    retention) is information for the room, not a condition of the answers: a new value replaces
    the saved one.
    """
    prepare_folder(folder)
    path = state_dir(folder) / STATE_FILE
    if path.exists():
        state = load_state(path)
        _check_same(state.settings, wanted, structure=structure, form=form)
        if min_group is not None and min_group != state.settings.min_group:
            raise CooplevierError(t("atelier.other_min_group", saved=state.settings.min_group, given=min_group))
        if notice and any(getattr(state.settings, name) != value for name, value in notice.items()):
            state = replace(state, settings=replace(state.settings, **notice))  # type: ignore[arg-type]
            save_state(folder, state)
        return state
    # a folder's name may hold what no text field may (charset.py): the default drops it
    territory = wanted.territory if wanted else (charset.cleaned(folder.resolve().name).strip()[:200] or "atelier")
    state = State(
        code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_CHARS)),
        key=secrets.token_urlsafe(24),
        secret=secrets.token_bytes(32),
        settings=Settings(territory, structure, form, min_group or DEFAULT_MIN_GROUP, **(notice or {})),
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    save_state(folder, state)
    return state


def prepare_folder(folder: Path) -> None:
    """Create DIR and its private dot-folder; refuse a DIR that is a file, or unwritable."""
    if folder.exists() and not folder.is_dir():
        raise CooplevierError(t("atelier.dir_is_file"), file=folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        records_dir(folder).mkdir(parents=True, exist_ok=True)
        os.chmod(state_dir(folder), 0o700)
        os.chmod(records_dir(folder), 0o700)
    except OSError as exc:
        raise CooplevierError(t("atelier.dir_failed", reason=os_reason(exc)), file=folder) from None
    if not os.access(folder, os.W_OK):
        raise CooplevierError(t("atelier.dir_failed", reason=t("os.eacces")), file=folder)


def _check_same(saved: Settings, wanted: Settings | None, *, structure: Structure | None, form: Form | None) -> None:
    if wanted is not None and wanted.territory != saved.territory:
        raise CooplevierError(t("atelier.other_territory", saved=saved.territory, given=wanted.territory))
    if structure is not None and structure != saved.structure:
        raise CooplevierError(t("atelier.other_structure", saved=saved.structure or "—", given=structure))
    if form is not None and form != (saved.form or "full"):
        raise CooplevierError(t("atelier.other_form"))


def sweep(folder: Path) -> None:
    """Remove what a killed server left half-written: temporary answer files in DIR (files.py) and
    the private writer's `.NAME.xxxxxxxx.tmp` in the state folder. Called with the folder locked."""
    from cooplevier.files import sweep_temporaries
    from cooplevier.writelock import lock_path

    sweep_temporaries(folder)  # a minute old: never a write of an `assess` running meanwhile
    for lock in folder.glob(".reponses-*.yaml.lock"):  # the lock of an answer file erased by a killed server
        pid = lock.name.removeprefix(".reponses-").removesuffix(".yaml.lock")
        answers = answers_path(folder, pid)
        if is_participant_id(pid) and lock.name == lock_path(answers).name and not answers.exists():
            with contextlib.suppress(OSError):
                lock.unlink()
    for place in (state_dir(folder), records_dir(folder)):
        with contextlib.suppress(OSError):
            for entry in os.scandir(place):
                if entry.name.startswith(".") and entry.name.endswith(".tmp") and entry.is_file(follow_symlinks=False):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


def lock_folder(folder: Path) -> IO[bytes] | None:
    """Hold the workshop for this process: a second server on the same folder is refused.

    An OS lock (flock), not a PID file: the system lifts it when the process ends, even by kill -9,
    so a crash never leaves the folder locked. Where flock is missing (Windows), nothing is held.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return None
    handle = open(state_dir(folder) / "lock", "a+b")  # noqa: SIM115 - held open for the process's life
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise CooplevierError(t("atelier.already_open"), file=folder) from None
    return handle


def save_state(folder: Path, state: State) -> None:
    data = {
        "cooplevier": STATE_FORMAT,
        "code": state.code,
        "key": state.key,
        "secret": state.secret.hex(),
        "territory": state.settings.territory,
        "structure": state.settings.structure,
        "form": state.settings.form,
        "min_group": state.settings.min_group,
        "organiser": state.settings.organiser,
        "retention": state.settings.retention,
        "created": state.created,
        "closed": state.closed,
        "port": state.port,
        "hidden": state.hidden,
    }
    write_private(state_dir(folder) / STATE_FILE, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def with_closed(state: State, closed: bool) -> State:
    return replace(state, closed=closed)


def load_state(path: Path) -> State:
    """The saved state; a damaged or foreign file is refused with what to do (never guessed)."""
    try:
        raw = path.read_bytes()[: MAX_STATE_BYTES + 1]
        data: Any = json.loads(raw.decode("utf-8")) if len(raw) <= MAX_STATE_BYTES else None
        if not isinstance(data, dict) or data.get("cooplevier") != STATE_FORMAT:
            raise ValueError
        structure = data.get("structure")
        form = data.get("form")
        if (structure is not None and structure not in STRUCTURES) or (form is not None and form not in FORMS):
            raise ValueError
        code, key, territory = data["code"], data["key"], data["territory"]
        if not all(isinstance(v, str) and v for v in (code, key, territory)) or len(code) != CODE_CHARS:
            raise ValueError
        if charset.refused(territory) is not None:  # edited by hand: it would reach every file and output
            raise ValueError
        return State(
            code=code,
            key=key,
            secret=bytes.fromhex(data["secret"]),
            settings=Settings(
                territory,
                structure,
                form,
                _min_group(data.get("min_group", DEFAULT_MIN_GROUP)),
                organiser=_notice_text(data.get("organiser")),
                retention=_notice_text(data.get("retention")),
            ),
            created=str(data.get("created", "")),
            closed=data.get("closed") is True,
            hidden=data.get("hidden") is True,
            port=port if isinstance(port := data.get("port"), int) and 0 < port < 65536 else None,
        )
    except OSError as exc:
        raise CooplevierError(t("atelier.state_unreadable", reason=os_reason(exc)), file=path) from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise CooplevierError(t("atelier.state_damaged"), file=path) from None


def _notice_text(value: object) -> str | None:
    """An organiser or a retention period as saved: absent (older workshops), or a clean line."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > NOTICE_MAX or charset.refused(value):
        raise ValueError(value)  # edited by hand: it would reach every participant's page
    return value


def _min_group(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 2 <= value <= 1_000_000:
        raise ValueError(value)
    return value


def save_published(folder: Path, published: Published) -> None:
    """The answers the room's screen is drawn from (masking rule 5), so that a restart keeps them."""
    write_private(state_dir(folder) / PUBLISHED_FILE, json.dumps(published.to_data()).encode("utf-8"))


def load_published(folder: Path) -> Published:
    """The saved published copy; a missing or damaged one starts empty: the screen then shows
    nothing until batches of K are published again (never more than it showed). A damaged one
    counts as seen: it may have been on a screen, so a closed workshop must not publish all at once."""
    from cooplevier.atelier.publish import Published

    path = state_dir(folder) / PUBLISHED_FILE
    try:
        return Published.from_data(json.loads(path.read_bytes()))
    except FileNotFoundError:
        return Published()
    except (OSError, ValueError, TypeError, AttributeError):
        return Published(seen=True)


def write_private(path: Path, data: bytes) -> None:
    """Write a file readable by its owner only (0600 from its creation), atomically, fsynced.

    Not `files.atomic_write`: that one gives new files the umask's mode, and these hold secrets.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)
