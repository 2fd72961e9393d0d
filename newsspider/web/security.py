"""Who may read the archive through the browser, and the headers every response carries.

Bound to loopback without a token, the browser trusts the machine and only checks the Host
header (so a web page cannot reach it by DNS rebinding). With a token, every route but the
login form and the stylesheet needs `Authorization: Bearer TOKEN` or the session cookie that
`/login` sets. The cookie holds an HMAC of the token, never the token, and every comparison
is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request

SESSION_COOKIE = "newsspider_session"
#: Paths reachable without a token: the login form and the stylesheet it uses.
OPEN_PATHS = ("/login", "/static/")
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]

#: Pages: no script at all, styles from our stylesheet, raw captures framed from our origin.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
)
#: Archived pages: nothing may load or run, and the document is sandboxed even if opened alone.
CAPTURE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "no-store",
}


def session_value(token: str) -> str:
    """The cookie value for `token`: proves the login without storing the token in a browser."""
    return hmac.new(token.encode(), b"newsspider-web-session", hashlib.sha256).hexdigest()


def token_matches(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode(), token.encode())


def authorized(request: Request, token: str) -> bool:
    """Whether the request carries the token (Bearer header) or a valid session cookie."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token_matches(given.strip(), token):
        return True
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), session_value(token).encode())


def is_open_path(path: str) -> bool:
    return path == OPEN_PATHS[0] or path.startswith(OPEN_PATHS[1])
