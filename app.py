"""DevReady: the entry point only sets the page up and routes to the screens in app_pages/."""

import streamlit as st

from quiz.messages import t

st.set_page_config(page_title=t("app_title"), page_icon="🧭", layout="centered")

navigation = st.navigation(
    [
        st.Page("app_pages/home.py", title=t("nav_home"), icon=":material/home:", default=True, url_path="home"),
        st.Page(
            "app_pages/assessment.py", title=t("nav_assessment"), icon=":material/edit_note:", url_path="assessment"
        ),
        st.Page("app_pages/results.py", title=t("nav_results"), icon=":material/insights:", url_path="results"),
        st.Page("app_pages/plan.py", title=t("nav_plan"), icon=":material/route:", url_path="plan"),
        st.Page("app_pages/progress.py", title=t("nav_progress"), icon=":material/timeline:", url_path="progress"),
    ]
)
navigation.run()
