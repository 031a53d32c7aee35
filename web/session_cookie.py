"""Sign-in that survives a reload: the server sets an HttpOnly, SameSite=Lax cookie holding the session token.

A Streamlit script cannot set a cookie (it runs over a WebSocket, after the page has loaded), so the
sign-in and sign-up forms of hosted mode post to these routes instead, served by the same process
through `st.App` (`serve.py`). The cookie holds the same random session token as before (32 bytes;
the database keeps only its SHA-256, `quiz/store/accounts.py`): nobody can forge one, and signing out
(or "sign out everywhere", or deleting the account) deletes the session row, so a stolen or stale cookie
is worth nothing afterwards. The token never appears in a URL. The page reads it back with
`st.context.cookies`.

Forms are plain HTML that works without JavaScript; every piece of text is escaped, and an error is one
of our own sentences, never an echo of what was posted.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Awaitable, Callable
from functools import cache
from html import escape
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from quiz.messages import current_locale, locale_of_request, t, using_locale
from quiz.report.offline_report import REPORT_STYLE
from quiz.store.accounts import SESSION_LIFETIME, AccountError, session_learner, sign_in, sign_up
from quiz.store.database import Store

COOKIE_NAME = "devready_session"
SIGN_IN_PATH = "/session/sign-in"
SIGN_UP_PATH = "/session/sign-up"
ROUTES_FLAG = "DEVREADY_SESSION_ROUTES"  # set by serve.py: the account page then links to these forms
MAX_FORM_BYTES = 4096
# The app's page paths (app.py): a signed-out visitor asking for one is sent to the sign-in form first,
# and back to the same page (with its query, e.g. a cohort's ?join= link) once signed in.
# The account page is left out: it is where a signed-out visitor starts a sign-in through the identity
# provider, and it shows nobody's data while signed out.
PAGE_PATHS = frozenset({"", "assessment", "results", "plan", "progress", "scoring", "cohorts", "dashboard"})
# Streamlit serves the default page (home) at the root, never at its url_path: a bookmark or a typed
# /home would otherwise open on Streamlit's "Page not found" dialog.
PAGE_ALIASES = {"home": ""}
SSO_COOKIE = "_streamlit_user"  # Streamlit's own signed cookie (split in chunks when long) after such a sign-in


@cache
def _store() -> Store:
    return Store.open()


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL (an open redirect) nor a protocol-relative one."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _same_origin(request: Request) -> bool:
    """A form posted from another site is refused (login CSRF); browsers send Origin on every POST."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "")
    return urlsplit(origin).netloc == host


def _is_https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = (
        f'<!DOCTYPE html><html lang="{current_locale()}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{REPORT_STYLE} form {{ margin: 1rem 0 2rem; }}"
        f" label {{ display: block; margin-top: .8rem; font-weight: 600; }}"
        f" input {{ display: block; font-size: 1rem; padding: .4rem; width: 100%; max-width: 24rem; }}"
        f" button {{ margin-top: 1rem; font-size: 1rem; padding: .5rem 1.2rem; background: #0B5394; color: #fff;"
        f" border: 0; border-radius: .3rem; cursor: pointer; }} button:focus, input:focus {{ outline: 3px solid #E69F00; }}"
        f" .error {{ color: #9B1C1C; font-weight: 600; }}</style></head><body><main>{body}</main></body></html>"
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"})


def _sso_configured() -> bool:
    try:
        import streamlit as st

        return bool(st.secrets.get("auth"))
    except FileNotFoundError:
        return False


def _forms(next_path: str, error: str = "", name: str = "") -> str:
    e = escape
    hidden = f'<input type="hidden" name="next" value="{e(next_path)}">'
    alert = f'<p class="error" role="alert">{e(error)}</p>' if error else ""
    sso = f'<p><a href="/account?sso=1">{e(t("sso_button"))}</a></p>' if _sso_configured() else ""
    return (
        f'<p class="muted">DevReady</p><h1>{e(t("account_title"))}</h1>{alert}{sso}'
        f"<h2>{e(t('signin_tab'))}</h2>"
        f'<form method="post" action="{SIGN_IN_PATH}">{hidden}'
        f'<label for="signin-name">{e(t("field_name"))}</label>'
        f'<input id="signin-name" name="name" autocomplete="username" required maxlength="64" value="{e(name)}">'
        f'<label for="signin-password">{e(t("field_password"))}</label>'
        f'<input id="signin-password" name="password" type="password" autocomplete="current-password" required>'
        f'<button type="submit">{e(t("signin_button"))}</button></form>'
        f"<h2>{e(t('signup_tab'))}</h2>"
        f'<form method="post" action="{SIGN_UP_PATH}">{hidden}'
        f'<label for="signup-name">{e(t("field_name"))}</label>'
        f'<input id="signup-name" name="name" autocomplete="username" required maxlength="64">'
        f'<label for="signup-password">{e(t("field_password_new"))}</label>'
        f'<input id="signup-password" name="password" type="password" autocomplete="new-password" required>'
        f'<button type="submit">{e(t("signup_button"))}</button></form>'
        f'<p class="muted">{e(t("account_privacy"))}</p>'
    )


def _signed_in(request: Request, token: str, next_path: str) -> Response:
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=_is_https(request),
    )
    return response


async def _fields(request: Request) -> dict[str, str] | None:
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        return None
    form = await request.form()
    return {key: str(form.get(key) or "") for key in ("name", "password", "next")}


def _in_reader_language(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """The forms speak the browser's language (Accept-Language), as the app's first page does."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        with using_locale(locale_of_request(request.headers.get("accept-language"))):
            return await handler(request)

    return wrapped


@_in_reader_language
async def show_forms(request: Request) -> Response:
    return _page(t("account_title"), _forms(_safe_next(request.query_params.get("next"))))


@_in_reader_language
async def post_sign_in(request: Request) -> Response:
    if not _same_origin(request):
        return _page(t("account_title"), escape(t("session_cross_site")), status=403)
    fields = await _fields(request)
    if fields is None:
        return _page(t("account_title"), escape(t("session_form_too_large")), status=413)
    next_path = _safe_next(fields["next"])
    try:
        signed = await run_in_threadpool(sign_in, _store(), fields["name"], fields["password"])
    except AccountError as error:  # our own sentence: wrong credentials or a lock, never what was posted
        return _page(t("account_title"), _forms(next_path, str(error), fields["name"]), status=401)
    return _signed_in(request, signed.token, next_path)


@_in_reader_language
async def post_sign_up(request: Request) -> Response:
    if not _same_origin(request):
        return _page(t("account_title"), escape(t("session_cross_site")), status=403)
    fields = await _fields(request)
    if fields is None:
        return _page(t("account_title"), escape(t("session_form_too_large")), status=413)
    next_path = _safe_next(fields["next"])

    def create() -> str:
        sign_up(_store(), fields["name"], fields["password"])
        return sign_in(_store(), fields["name"], fields["password"]).token

    try:
        token = await run_in_threadpool(create)
    except AccountError as error:
        return _page(t("account_title"), _forms(next_path, str(error)), status=400)
    return _signed_in(request, token, next_path)


def _hosted() -> bool:
    return os.environ.get("DEVREADY_MODE", "local").strip().lower() == "hosted"


def _address(scope: Scope, path: str) -> str:
    """The path with the request's query kept (a cohort's ?join= link must survive every detour)."""
    query = scope.get("query_string", b"").decode("latin-1")
    return "/" + path + (f"?{query}" if query else "")


class SignInGate:
    """ASGI middleware: in hosted mode, a page request without a valid session goes to the sign-in form.

    Only page loads (GET of a page path) are gated; the WebSocket, health checks, static files and the
    forms themselves pass through. The app still checks the session on every run (`app.py`).
    In every mode, an alias of a page (`PAGE_ALIASES`) is sent to the page's real address.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].strip("/") in PAGE_ALIASES:
            target = _address(scope, PAGE_ALIASES[scope["path"].strip("/")])
            await RedirectResponse(target, status_code=307)(scope, receive, send)
            return
        if scope["type"] == "http" and scope["method"] == "GET" and _hosted():
            path = scope["path"].strip("/")
            if path in PAGE_PATHS:
                request = Request(scope)
                token = request.cookies.get(COOKIE_NAME)
                learner = await run_in_threadpool(session_learner, _store(), token) if token else None
                # Streamlit checks its own signed cookie when the page runs; the gate only saves a detour.
                if learner is None and not any(name.startswith(SSO_COOKIE) for name in request.cookies):
                    target = _address(scope, path)
                    response = RedirectResponse(f"{SIGN_IN_PATH}?next={quote(target, safe='')}", status_code=303)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)


def session_routes() -> list[Route]:
    os.environ[ROUTES_FLAG] = "1"
    return [
        Route(SIGN_IN_PATH, show_forms, methods=["GET"]),
        Route(SIGN_IN_PATH, post_sign_in, methods=["POST"]),
        Route(SIGN_UP_PATH, post_sign_up, methods=["POST"]),
    ]
