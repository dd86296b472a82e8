"""What every response of the web page carries and checks: security headers, optional HTTP basic
authentication (`--auth user:pass`, for a shared machine), and the Host header a loopback server
accepts (a page elsewhere cannot reach it through a name it made point at 127.0.0.1)."""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse

# No inline script or style anywhere: scripts and styles come from /static only.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_auth(text: str) -> tuple[str, str]:
    """`user:pass` as given to --auth."""
    user, colon, password = text.partition(":")
    if not (user and colon and password):
        from bigsearch.errors import ConfigError

        raise ConfigError("--auth takes USER:PASSWORD (both non-empty)")
    return user, password


class SecurityHeaders:
    """ASGI middleware: the headers above on every response (a response may set its own CSP)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BasicAuth:
    """ASGI middleware: every request needs the user and password given (compared in constant time)."""

    def __init__(self, app, user: str, password: str) -> None:
        self.app = app
        self.expected = f"{user}:{password}".encode()

    def _allowed(self, scope) -> bool:
        header = Headers(scope=scope).get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            given = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(given, self.expected)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        response = PlainTextResponse("Inloggning krävs.\n", status_code=401,
                                     headers={"WWW-Authenticate": 'Basic realm="bigsearch", charset="UTF-8"'})
        await response(scope, receive, send)
