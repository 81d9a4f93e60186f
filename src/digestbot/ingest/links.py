"""Which links written by a feed may be fetched.

A feed's URL is chosen by the operator, but its entries' links are written by whoever controls the feed:
fetching them blindly would let a feed point the bot at the cloud metadata service (169.254.169.254), at
the host itself or at the internal network. So an entry link must be http(s), and every address its host
resolves to must be public, unless the operator allows private addresses (``allow_private_feed_links``).
Each redirect is checked again. (A name that resolves differently between the check and the fetch, DNS
rebinding, is not covered: the check narrows the door, a network egress policy closes it.)
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from digestbot.errors import SourceError

Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """Every address ``host`` resolves to (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


class LinkPolicy:
    """Decides whether a link found in a feed may be fetched."""

    def __init__(self, *, allow_private: bool = False, resolver: Resolver = resolve) -> None:
        self.allow_private = allow_private
        self.resolver = resolver

    def check(self, url: str) -> None:
        """Return if ``url`` may be fetched; otherwise raise SourceError saying why."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SourceError("refused a feed entry link that is not an http(s) URL", source=url)
        if self.allow_private:
            return
        try:
            addresses = self.resolver(parts.hostname)
        except (OSError, UnicodeError) as exc:
            raise SourceError(f"cannot resolve the feed entry link's host ({exc})", source=url) from None
        for address in addresses:
            if not is_public(address):
                raise SourceError(
                    f"refused a feed entry link to a non-public address ({address}); "
                    "set allow_private_feed_links to allow it",
                    source=url,
                )


def is_public(address: str) -> bool:
    """Whether an address is globally routable: not loopback, private, link-local, reserved, multicast..."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast
