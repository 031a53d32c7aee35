"""Sign in, sign up, sign out and delete my account (hosted mode); a note in local mode."""

from __future__ import annotations

from html import escape

import streamlit as st

from app_pages.context import (
    TOKEN_KEY,
    clear_current_attempt,
    cookie_sign_in,
    hosted_mode,
    session_token,
    signed_in_learner,
    sso_configured,
    sso_signed_in,
    store,
)
from quiz.messages import t
from quiz.report.literal_text import literal_markdown
from quiz.store.accounts import (
    AccountError,
    account_name,
    delete_account,
    sign_in,
    sign_out,
    sign_out_everywhere,
    sign_up,
)

st.title(t("account_title"))

if not hosted_mode():
    st.info(t("account_local_mode"))
    st.stop()

learner = signed_in_learner()
if learner is None and sso_configured():
    if st.query_params.get("sso") == "1":  # from the sign-in form's "organisation account" link
        st.login()
    if st.button(t("sso_button"), type="primary", key="sso_login"):
        st.login()
if learner is None and cookie_sign_in():
    # The forms post to the server, which sets an HttpOnly cookie: a reload keeps the learner signed in.
    # A constant link of ours (no user text), in this tab: st.link_button would open a new one.
    st.markdown(
        f'<a href="/session/sign-in" target="_self">{escape(t("signin_open_page"))}</a>', unsafe_allow_html=True
    )
    st.caption(t("account_privacy"))
    st.stop()
if learner is None:
    st.caption(t("signin_reload_note"))
    sign_in_tab, sign_up_tab = st.tabs([t("signin_tab"), t("signup_tab")])
    with sign_in_tab, st.form("signin"):
        name = st.text_input(t("field_name"), key="signin_name", autocomplete="username")
        password = st.text_input(t("field_password"), type="password", key="signin_password")
        if st.form_submit_button(t("signin_button"), type="primary"):
            try:
                signed = sign_in(store(), name, password)
            except AccountError as error:
                st.error(str(error))  # st.error renders Markdown, never HTML
            else:
                st.session_state[TOKEN_KEY] = signed.token
                clear_current_attempt()
                st.rerun()
    with sign_up_tab, st.form("signup"):
        name = st.text_input(t("field_name"), key="signup_name", autocomplete="username")
        password = st.text_input(t("field_password_new"), type="password", key="signup_password")
        if st.form_submit_button(t("signup_button"), type="primary"):
            try:
                sign_up(store(), name, password)
                signed = sign_in(store(), name, password)
            except AccountError as error:
                st.error(str(error))
            else:
                st.session_state[TOKEN_KEY] = signed.token
                clear_current_attempt()
                st.rerun()
    st.caption(t("account_privacy"))
    st.stop()

name = account_name(store(), learner) or ""
st.markdown(t("account_signed_in", name=literal_markdown(name)))  # a name is user text: shown literally
signout_col, everywhere_col = st.columns(2)
if signout_col.button(t("signout_button"), key="signout"):
    if sso_signed_in():
        st.logout()  # ends the identity-provider sign-in (Streamlit's own cookie)
    sign_out(store(), session_token() or "")
    st.session_state.pop(TOKEN_KEY, None)
    clear_current_attempt()
    st.rerun()
if everywhere_col.button(t("signout_everywhere_button"), key="signout_everywhere", help=t("signout_everywhere_help")):
    sign_out_everywhere(store(), learner)
    st.session_state.pop(TOKEN_KEY, None)
    clear_current_attempt()
    st.rerun()

st.subheader(t("delete_title"))
st.write(t("delete_text"))
confirmed = st.checkbox(t("delete_confirm"), key="delete_confirm")
if st.button(t("delete_button"), key="delete_account", disabled=not confirmed, type="primary"):
    delete_account(store(), learner)
    st.session_state.pop(TOKEN_KEY, None)
    clear_current_attempt()
    st.session_state["account_deleted"] = True
    st.rerun()
