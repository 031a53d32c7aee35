"""What every page shares: the cached bank and store, the learner, the current attempt."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit.runtime.scriptrunner import get_script_run_ctx

from quiz.content.bank import BankReport, edition_dir, read_edition
from quiz.messages import (
    DEFAULT_LOCALE,
    LANGUAGE_NAMES,
    available_locales,
    current_locale,
    supported,
    t,
    using_locale,
)
from quiz.report.attempt_result import AttemptResult, DamagedAttempt, evaluate_attempt
from quiz.store.attempt import Attempt
from quiz.store.database import LOCAL_LEARNER, Store

# Session keys of the attempt in progress: its id, practice feedback, the copy the assessment page
# keeps, and the finished attempt the results and plan pages show.
ATTEMPT_KEY = "attempt_id"
FEEDBACK_KEY = "practice_feedback"
IN_PROGRESS_KEY = "attempt_in_progress"
SHOWN_KEY = "finished_attempt_shown"


def bank_report() -> BankReport:
    """The bank in the reader's language."""
    return edition_report(current_locale())


@st.cache_resource(show_spinner=False)
def edition_report(locale: str) -> BankReport:
    """Each edition of the bank is immutable and loaded once per process; every session shares it."""
    report = read_edition(locale)
    # The bank lives as long as the process: move it out of the garbage collector's scans for good.
    gc.freeze()
    return report


LOCALE_KEY = "locale"


def languages() -> list[str]:
    """The languages a learner can pick: an interface catalogue and a bank edition for each."""
    return [locale for locale in available_locales() if edition_dir(locale).is_dir()]


def session_locale() -> str | None:
    """This browser session's language (registered with `quiz.messages` by app.py). Outside a script
    run (a cached function computed for another session, say) there is no session to ask."""
    if get_script_run_ctx() is None:
        return None
    locale = st.session_state.get(LOCALE_KEY)
    return str(locale) if locale else None


def choose_locale(learner: int | None) -> None:
    """On a session's first run: the learner's saved choice, else the browser's language, else English."""
    if LOCALE_KEY in st.session_state:
        return
    from quiz.store.preferences import learner_locale

    saved = learner_locale(store(), learner) if learner is not None else None
    browser = supported(st.context.locale)
    offered = languages()
    chosen = next((locale for locale in (saved, browser) if locale in offered), DEFAULT_LOCALE)
    st.session_state[LOCALE_KEY] = chosen


def switch_language(learner: int | None) -> None:
    """The language switch, on every page; a choice is remembered on the learner's account."""
    offered = languages()
    if len(offered) < 2:
        return

    def remember() -> None:
        chosen = st.session_state[SWITCH_KEY]
        st.session_state[LOCALE_KEY] = chosen
        # A choice widget keeps its value as the label it showed: in the other language no option has
        # that label, so these widgets start again from their defaults, worded in the new language.
        for key in WORDED_CHOICES:
            st.session_state.pop(key, None)
        if learner is not None:
            from sqlalchemy.exc import OperationalError

            from quiz.store.preferences import remember_locale

            try:
                remember_locale(store(), learner, chosen)
            except OperationalError:
                # The database is away: the page still switches, for this session; the next switch saves it.
                st.session_state[LOCALE_NOT_SAVED_KEY] = True

    st.session_state[SWITCH_KEY] = current_locale()
    st.sidebar.selectbox(
        t("language_label"), offered, format_func=LANGUAGE_NAMES.__getitem__, key=SWITCH_KEY, on_change=remember
    )
    if st.session_state.pop(LOCALE_NOT_SAVED_KEY, False):
        st.sidebar.caption(t("language_not_saved"))


SWITCH_KEY = "language_switch"
LOCALE_NOT_SAVED_KEY = "language_not_saved"
WORDED_CHOICES = (
    "profile", "languages", "length", "focus", "adaptive", "dashboard_section",
    "compare_a", "compare_b", "report_attempt", "progress_skill",
)  # fmt: skip


ACCESSIBLE_CSS = Path(__file__).resolve().parent.parent / "web" / "accessible.css"


@st.cache_resource(show_spinner=False)
def _accessible_css() -> str:
    return ACCESSIBLE_CSS.read_text(encoding="utf-8")


def apply_accessible_style() -> None:
    """Contrast and keyboard fixes on Streamlit's own elements (web/accessible.css)."""
    st.html(f"<style>{_accessible_css()}</style>")


def mark_document_language() -> None:
    """The page's `lang` attribute follows the chosen language, so screen readers pronounce it right."""
    locale = current_locale()
    if st.session_state.get("document_lang") == locale:
        return
    st.session_state["document_lang"] = locale
    # A constant script of ours (no learner text), run in the page to set <html lang>.
    st.html(f"<script>document.documentElement.lang = {json.dumps(locale)};</script>", unsafe_allow_javascript=True)


@st.cache_resource(show_spinner=False)
def store() -> Store:
    return Store.open()


TOKEN_KEY = "session_token"


def hosted_mode() -> bool:
    """Hosted mode (accounts, for a cohort on one server) or local mode (one learner, the default)."""
    return os.environ.get("DEVREADY_MODE", "local").strip().lower() == "hosted"


SESSION_COOKIE = "devready_session"  # set by web/session_cookie.py; HttpOnly, so only the server reads it


def session_token() -> str | None:
    """This browser's session token: from a sign-in in this tab, else from the sign-in cookie."""
    token = st.session_state.get(TOKEN_KEY)
    if token:
        return str(token)
    cookie = st.context.cookies.get(SESSION_COOKIE)
    return str(cookie) if cookie else None


def cookie_sign_in() -> bool:
    """True when the server serves the sign-in forms that set the cookie (`serve.py`, what `make run` starts)."""
    return os.environ.get("DEVREADY_SESSION_ROUTES") == "1"


def sso_configured() -> bool:
    """Sign-in through an identity provider (OpenID Connect, Streamlit's `st.login`) is set up in
    `.streamlit/secrets.toml` under `[auth]`."""
    try:
        auth = st.secrets.get("auth")
    except FileNotFoundError:
        return False
    return bool(auth) and bool(auth.get("server_metadata_url") or any(isinstance(v, dict) for v in auth.values()))


def sso_signed_in() -> bool:
    return hosted_mode() and sso_configured() and bool(st.user.is_logged_in)


VERIFIED_KEY = "verified_sign_in"  # (credential, learner, instructor): the latest check against the store
CHECKED_BY_CALLBACK_KEY = "sign_in_checked_by_callback"


def _verified_sign_in(verify: bool) -> tuple[int | None, bool]:
    """In hosted mode, the learner of this browser session's valid sign-in (through the identity
    provider, or with a name and password) and whether they teach.

    app.py asks with `verify=True` at the start of every script run, so the store is asked once per
    run; the page of that run reuses its answer for the same credential (a sign-in or sign-out in this
    tab changes the credential, and so asks the store again). Widget callbacks run before app.py: one
    that writes checks first (`sign_in_still_valid`), and app.py then reuses that check.
    """
    from quiz.store.accounts import session_holder, sso_learner
    from quiz.store.cohorts import is_instructor

    subject = str(st.user.get("sub") or "") if sso_signed_in() else ""
    credential = f"sso:{subject}" if subject else session_token()
    verified = st.session_state.get(VERIFIED_KEY)
    checked_just_now = verify and st.session_state.pop(CHECKED_BY_CALLBACK_KEY, False)
    if (checked_just_now or not verify) and verified is not None and verified[0] == credential:
        return verified[1], verified[2]
    learner: int | None
    if subject:
        email = st.user.get("email")
        learner = sso_learner(store(), subject, str(email) if email and st.user.get("email_verified", True) else None)
        instructor = is_instructor(store(), learner)
    else:
        holder = session_holder(store(), credential)
        if holder is None:
            st.session_state.pop(TOKEN_KEY, None)
        learner, instructor = (holder.learner, holder.instructor) if holder else (None, False)
    st.session_state[VERIFIED_KEY] = (credential, learner, instructor)
    return learner, instructor


def signed_in_learner(*, verify: bool = False) -> int | None:
    """In hosted mode, the learner of this browser session's valid sign-in, if any."""
    return _verified_sign_in(verify)[0]


def sign_in_still_valid() -> bool:
    """For a widget callback that writes: the sign-in checked against the store now (a session ended
    from another browser must not write one more answer), and the run that follows reuses the check."""
    if not hosted_mode():
        return True
    learner = _verified_sign_in(verify=True)[0]
    st.session_state[CHECKED_BY_CALLBACK_KEY] = True
    return learner is not None


def signed_out_since_callback() -> bool:
    """For a fragment's own run, where app.py does not run: the widget callback that started it checked
    the sign-in (`sign_in_still_valid`); this takes that check as app.py would, and says whether it found
    the session ended (the caller then reruns the whole app, which shows the sign-in page)."""
    if not st.session_state.pop(CHECKED_BY_CALLBACK_KEY, False):
        return False  # a whole-app run: app.py has already taken the check
    return _verified_sign_in(verify=False)[0] is None


def learner_id() -> int:
    """Whose data this session sees: the signed-in learner (hosted) or the one local learner."""
    if hosted_mode():
        learner = signed_in_learner()
        if learner is None:  # pages are only routed to when signed in; this guards a direct call
            st.warning(t("signin_required"))
            st.stop()
        assert learner is not None
        return learner
    if "learner_id" not in st.session_state:
        st.session_state["learner_id"] = store().learner_id(LOCAL_LEARNER)
    return int(st.session_state["learner_id"])


def current_attempt_id() -> str | None:
    return st.session_state.get(ATTEMPT_KEY)


_ATTEMPT_STATE = (ATTEMPT_KEY, FEEDBACK_KEY, IN_PROGRESS_KEY, SHOWN_KEY)


def set_current_attempt(attempt_id: str) -> None:
    clear_current_attempt()
    st.session_state[ATTEMPT_KEY] = attempt_id


def clear_current_attempt() -> None:
    for key in _ATTEMPT_STATE:
        st.session_state.pop(key, None)


def latest_finished_attempt() -> Attempt | None:
    """The attempt the results and plan pages show: this session's, else the learner's last one.

    A finished attempt never changes, so once read (and its owner checked) it is kept in the session.
    """
    attempt_id = current_attempt_id()
    shown = st.session_state.get(SHOWN_KEY)
    if isinstance(shown, Attempt) and shown.id == attempt_id:
        return shown
    learner = learner_id()
    attempt = None
    if attempt_id is not None and store().attempt_owner(attempt_id) == learner:
        attempt = store().attempt(attempt_id)
    if attempt is None or not attempt.finished:
        attempt = store().latest_finished_attempt(learner)
    if attempt is not None and attempt.id == attempt_id:
        st.session_state[SHOWN_KEY] = attempt
    return attempt


def finished_attempt_or_stop() -> Attempt:
    """The attempt to show, or a pointer to the start page (and the page stops) when there is none."""
    attempt = latest_finished_attempt()
    if attempt is None:
        st.info(t("no_results"))
        st.page_link("app_pages/home.py", label=t("go_home"), icon=":material/home:")
        st.stop()
    assert attempt is not None
    return attempt


@st.cache_resource(show_spinner=False, max_entries=64)
def _result_for(attempt_id: str, locale: str, _attempt: Attempt) -> AttemptResult:
    # A finished attempt never changes, so its results are computed once per process.
    return evaluate_attempt(bank_report().bank, _attempt)


def result_of(attempt: Attempt) -> AttemptResult:
    return _result_for(attempt.id, current_locale(), attempt)


def result_or_stop(attempt: Attempt) -> AttemptResult:
    """The attempt's results, or (for a stored attempt the bank cannot read) why not, and the page stops."""
    try:
        return result_of(attempt)
    except DamagedAttempt as damage:
        st.error(t("attempt_damaged", reason=damage.reason), icon=":material/report:")
        st.page_link("app_pages/progress.py", label=t("nav_progress"), icon=":material/timeline:")
        st.page_link("app_pages/home.py", label=t("go_home"), icon=":material/home:")
        st.stop()
        raise  # unreachable: st.stop() ends the script run


def show_bank_problems() -> None:
    problems = bank_report().problems
    if problems:
        with st.expander(t("bank_problems_title", count=len(problems)), icon=":material/warning:"):
            st.caption(t("bank_problems_help"))
            for problem in problems[:50]:
                st.text(str(problem))


@st.cache_resource(show_spinner=False, max_entries=16)
def _report_html(attempt_id: str, locale: str, _result: AttemptResult) -> str:
    from quiz.report.offline_report import render_report

    return render_report(_result, edition_report(locale).bank)


def offer_download(
    where: DeltaGenerator, label: str, build: Callable[[], str], *, file_name: str, mime: str, key: str
) -> None:
    """A download button whose file `build` makes only when the learner clicks, not on every rerun.

    Streamlit builds it in a worker thread, outside the session's script run, where the session's
    language cannot be read: it is built in the language of the page that showed the button. And the
    click does not rerun the page: a rerun would register the file anew and revoke the one being
    built, and under load the learner's download failed."""
    locale = current_locale()

    def in_the_page_language() -> str:
        with using_locale(locale):
            return build()

    where.download_button(label, in_the_page_language, file_name=file_name, mime=mime, key=key, on_click="ignore")


def show_exports(result: AttemptResult, key: str) -> None:
    """Download buttons: my data as CSV and JSON, and the HTML report of `result`'s attempt."""
    from quiz.store.export import attempts_to_csv, attempts_to_json

    learner = learner_id()
    bank = bank_report().bank
    stamp = result.attempt.started_at.strftime("%Y%m%d-%H%M")
    csv_col, json_col, html_col = st.columns(3)
    offer_download(
        csv_col,
        t("download_csv"),
        lambda: attempts_to_csv(store().attempts(learner, finished_only=False), bank),
        file_name="devready-history.csv",
        mime="text/csv",
        key=f"{key}-csv",
    )
    offer_download(
        json_col,
        t("download_json"),
        lambda: attempts_to_json(store().attempts(learner, finished_only=False)),
        file_name="devready-history.json",
        mime="application/json",
        key=f"{key}-json",
    )
    offer_download(
        html_col,
        t("download_report"),
        lambda: _report_html(result.attempt.id, current_locale(), result),
        file_name=f"devready-report-{stamp}.html",
        mime="text/html",
        key=f"{key}-html",
    )


def signed_in_instructor() -> int | None:
    """In hosted mode, the signed-in learner if they have the instructor role."""
    if not hosted_mode():
        return None
    learner, instructor = _verified_sign_in(verify=False)
    return learner if instructor else None


@st.cache_resource(show_spinner=False, max_entries=20_000)
def _cohort_result_for(attempt_id: str, locale: str, _attempt: Attempt) -> AttemptResult:
    # A cohort's dashboard reads every sharing learner's finished attempts; each never changes, so it
    # is scored once per process, like a learner's own results.
    return evaluate_attempt(bank_report().bank, _attempt)


def cohort_result_of(attempt: Attempt) -> AttemptResult:
    return _cohort_result_for(attempt.id, current_locale(), attempt)
