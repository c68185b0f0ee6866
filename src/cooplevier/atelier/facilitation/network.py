"""Help with the room's network: the Wi-Fi QR code, and whether the link's address answers here.

The Wi-Fi QR code is the text phones' cameras read as « join this network »
(`WIFI:T:WPA;S:<ssid>;P:<password>;;`, the format ZXing set and iOS and Android read), with `\\`,
`;`, `,`, `:` and `"` escaped by a backslash. The password comes from the prompt (cli layer), lives
in memory only, and is never written to disk, to the state or to the archive.

The reachability check connects to the address and port printed in the links, from this laptop.
It proves that the server listens on that address (the laptop still has it, the right interface
was chosen); it cannot see a Wi-Fi that isolates its clients, nor a firewall that lets the
laptop's own connections through: docs/atelier.md says how to test with one phone and what to do.
The tests point it at the loopback only.
"""

from __future__ import annotations

import contextlib
import socket

_SPECIAL = '\\;,:"'
CHECK_TIMEOUT = 1.5  # seconds: a local connection answers in well under a millisecond


def wifi_escape(text: str) -> str:
    """A field of the Wi-Fi QR text, with its special characters escaped by a backslash."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text)


def wifi_payload(ssid: str, password: str) -> str:
    """The Wi-Fi QR text: WPA/WPA2/WPA3 with a password, an open network without one."""
    if not password:
        return f"WIFI:T:nopass;S:{wifi_escape(ssid)};;"
    return f"WIFI:T:WPA;S:{wifi_escape(ssid)};P:{wifi_escape(password)};;"


def wifi_problem(ssid: str, password: str) -> str | None:
    """Which field cannot go in a QR code ("ssid" or "password"), or None."""
    if not ssid.strip() or len(ssid.encode("utf-8")) > 32 or not ssid.isprintable():  # 802.11: 32 bytes
        return "ssid"
    if password and (not 8 <= len(password) <= 63 or not password.isprintable()):  # WPA: 8 to 63 characters
        return "password"
    return None


def answers(host: str, port: int, *, timeout: float = CHECK_TIMEOUT) -> bool:
    """Whether a TCP connection to `host:port` (as written in the links) succeeds from here."""
    address = host.strip("[]")
    with contextlib.suppress(OSError), socket.create_connection((address, port), timeout=timeout):
        return True
    return False
