"""A fake Bot Framework token issuer: an RSA key, its JWKS, and tokens signed like the real connector's.

The SDK validates inbound tokens against the keys named by the cloud's OpenID metadata URL; tests point that
URL at the fake connector (``cloud_for``), which serves ``keys()`` at ``/v1/.well-known/keys``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from microsoft_teams.api.auth.cloud_environment import PUBLIC, CloudEnvironment, with_overrides

ISSUER = "https://api.botframework.com"
APP_ID = "00000000-0000-4000-8000-00000000b07"
TENANT_ID = "11111111-1111-4111-8111-111111111111"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Identity:
    """Signs tokens with ``key`` (published in ``keys()``); ``impostor`` signs with an unpublished key."""

    key: rsa.RSAPrivateKey = field(default_factory=_new_key)
    impostor: rsa.RSAPrivateKey = field(default_factory=_new_key)
    kid: str = "test-key-1"
    bot_token: str = ""

    def keys(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def token(self, service_url: str, *, audience: str = APP_ID, forged: bool = False, ttl: int = 600) -> str:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": audience, "serviceurl": service_url, "iat": now, "nbf": now}
        claims["exp"] = now + ttl
        key = self.impostor if forged else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    def outbound(self) -> str:
        """The fixed bot token the SDK is given for outbound calls (a JWT: the SDK decodes it)."""
        if not self.bot_token:
            claims = {"iss": "https://sts.windows.net/test/", "aud": "https://api.botframework.com"}
            expiry = int(time.time()) + 24 * 3600
            self.bot_token = jwt.encode(
                {**claims, "appid": APP_ID, "exp": expiry}, self.key, algorithm="RS256"
            )
        return self.bot_token


def fixed_token(identity: Identity) -> Callable[..., str]:
    """A token provider ``(scope, tenant) -> token``, as the SDK's TokenCredentials take it."""
    token = identity.outbound()
    return lambda _scope, _tenant=None: token


def cloud_for(base_url: str) -> CloudEnvironment:
    """The public cloud, with Bot Framework signing keys looked up at the fake connector."""
    return with_overrides(PUBLIC, openid_metadata_url=f"{base_url}/v1/.well-known/openidconfiguration")
