"""Who may post activities to ``/api/messages``.

With credentials, the Teams SDK validates the Bot Framework JWT of every request (signature against the
Bot Framework's published keys, issuer, audience = our app id, expiry, and the ``serviceurl`` claim against
the activity's serviceUrl); a request without ``Authorization: Bearer …`` is turned away here already.
Local development mode (``teams_allow_unauthenticated``) accepts requests without a token, and then only
from loopback clients that came through no proxy: a tunnel or reverse proxy connects from loopback on
behalf of anyone, so a request carrying any forwarding header gets 401, as does any other client.
"""

from __future__ import annotations

import ipaddress

from starlette.requests import Request

from digestbot.settings import Settings


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1 (also IPv4-mapped); False for names and anything unparseable."""
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


# Headers a proxy, tunnel or CDN adds when it forwards a request on someone else's behalf.
PROXY_HEADERS = (
    "forwarded",
    "via",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
    "x-forwarded-port",
    "x-forwarded-server",
    "x-original-forwarded-for",
    "x-real-ip",
    "x-client-ip",
    "x-cluster-client-ip",
    "true-client-ip",
    "cf-connecting-ip",
    "fastly-client-ip",
    "x-envoy-external-address",
)


def proxied(request: Request) -> bool:
    """Whether the request carries any header a forwarding proxy adds."""
    return any(name in request.headers for name in PROXY_HEADERS)


def has_bearer(request: Request) -> bool:
    """Whether the request carries a bearer token at all (the SDK then checks that it is valid)."""
    return request.headers.get("authorization", "").startswith("Bearer ")


def admitted(settings: Settings, request: Request) -> bool:
    """Whether the request may reach the SDK: in local mode a loopback client, not via a proxy; a bearer
    token otherwise."""
    if settings.teams_allow_unauthenticated:
        return is_loopback(request.client.host if request.client else None) and not proxied(request)
    return has_bearer(request)
