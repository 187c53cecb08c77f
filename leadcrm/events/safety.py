"""Where leadcrm may send an event: http(s) only, and not into the server's own networks.

Private, loopback, link-local (cloud metadata), multicast and reserved addresses are refused
unless the operator allows their networks (``LEADCRM_EVENTS_ALLOW_NETWORKS``). A bind checks
an address written in the URL; a delivery checks every address the name resolves to, then.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(texts: Sequence[str]) -> list[Network]:
    return [ipaddress.ip_network(text.strip(), strict=False) for text in texts if text.strip()]


def _forbidden(address: IPAddress, allowed: Sequence[Network]) -> bool:
    if any(address in network for network in allowed):
        return False
    return not address.is_global or address.is_multicast


def literal_refused(url: str, allowed: Sequence[Network]) -> bool:
    """Whether the URL names a forbidden address outright (an IP, or localhost)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        host = "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return _forbidden(address, allowed)


def resolved_refused(url: str, allowed: Sequence[Network]) -> str | None:
    """None if every address the host resolves to may be reached, else why not."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        return "the handler's host does not resolve"
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if _forbidden(address, allowed):
            return f"the handler's address {address} is not allowed"
    return None
