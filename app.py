"""DevReady: the entry point only sets the page up and routes to the screens in app_pages/."""

import streamlit as st

from app_pages.context import (
    apply_accessible_style,
    choose_locale,
    hosted_mode,
    learner_id,
    mark_document_language,
    session_locale,
    signed_in_instructor,
    signed_in_learner,
    switch_language,
)
from quiz.messages import set_locale_source, t

set_locale_source(session_locale)  # every sentence, number and date below follows this session's language
learner = signed_in_learner(verify=True) if hosted_mode() else learner_id()
choose_locale(learner)
st.set_page_config(page_title=t("app_title"), page_icon="🧭", layout="centered")
switch_language(learner)
mark_document_language()
apply_accessible_style()

account = st.Page("app_pages/account.py", title=t("nav_account"), icon=":material/person:", url_path="account")
if hosted_mode() and learner is None:
    # Signed out in hosted mode: the account page is the only route, so no page can show anyone's data.
    if st.session_state.pop("account_deleted", False):
        st.success(t("account_deleted"))
    pages = [account]
else:
    pages = [
        st.Page("app_pages/home.py", title=t("nav_home"), icon=":material/home:", default=True, url_path="home"),
        st.Page(
            "app_pages/assessment.py", title=t("nav_assessment"), icon=":material/edit_note:", url_path="assessment"
        ),
        st.Page("app_pages/results.py", title=t("nav_results"), icon=":material/insights:", url_path="results"),
        st.Page("app_pages/plan.py", title=t("nav_plan"), icon=":material/route:", url_path="plan"),
        st.Page("app_pages/progress.py", title=t("nav_progress"), icon=":material/timeline:", url_path="progress"),
        st.Page("app_pages/scoring.py", title=t("nav_scoring"), icon=":material/calculate:", url_path="scoring"),
    ]
    if hosted_mode():
        pages.append(
            st.Page("app_pages/cohorts.py", title=t("nav_cohorts"), icon=":material/groups:", url_path="cohorts")
        )
        if signed_in_instructor() is not None:  # the page checks again: routing is not the only guard
            pages.append(
                st.Page(
                    "app_pages/dashboard.py",
                    title=t("nav_dashboard"),
                    icon=":material/monitoring:",
                    url_path="dashboard",
                )
            )
        pages.append(account)
st.navigation(pages).run()
