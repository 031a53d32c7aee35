"""Cohorts (hosted mode): join one with an invite code after reading what is shared, leave one, and,
for instructors, create and manage the cohorts they teach. A thin page over `quiz/store/cohorts.py`."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from app_pages.context import bank_report, hosted_mode, learner_id, signed_in_instructor, store
from quiz.messages import date_entry_format, day, t
from quiz.report.literal_text import literal_markdown
from quiz.store.cohorts import (
    CohortError,
    NotAllowed,
    add_co_instructor,
    cohort_for_code,
    create_cohort,
    invite_instructor,
    join_cohort,
    joined_cohorts,
    leave_cohort,
    redeem_instructor_invite,
    renew_invite_code,
    revoke_invite_code,
    taught_cohorts,
)

st.title(t("cohorts_title"))
if not hosted_mode():
    st.info(t("cohorts_local_mode"))
    st.stop()

bank = bank_report().bank
learner = learner_id()


def _summary(profile_id: str, start: date, end: date) -> dict[str, str]:
    role = bank.profiles[profile_id].title if profile_id in bank.profiles else profile_id
    return {"role": role, "start": day(start), "end": day(end)}


st.subheader(t("join_title"))
# A code from an invite link is looked up at once; a typed one when the learner asks, with a button that says
# so (Streamlit's own "Press Enter" hint is English only, and hidden: web/accessible.css).
with st.form("join", border=False, enter_to_submit=True):
    code = st.text_input(t("join_code"), value=st.query_params.get("join", ""), key="join_code").strip()
    st.form_submit_button(t("join_find_button"), key="join_find")
found = cohort_for_code(store(), code) if code else None
if code and found is None:
    st.error(t("join_unknown_code"))
if found is not None:
    # The cohort's name is an instructor's text: shown literally, never as Markdown or HTML.
    st.markdown(
        t(
            "join_cohort_named",
            name=literal_markdown(found.name),
            **_summary(found.profile_id, found.starts_on, found.ends_on),
        )
    )
    st.markdown(t("join_what_is_shared"))
    if st.button(t("join_agree_button"), type="primary", key="join_agree"):
        try:
            joined = join_cohort(store(), learner, code)
        except CohortError as error:
            st.error(str(error))
        else:
            st.query_params.pop("join", None)
            st.session_state.pop("join_code", None)
            st.session_state["cohort_notice"] = t("joined_cohort", name=joined.name)
            st.rerun()

notice = st.session_state.pop("cohort_notice", None)
if notice:
    st.success(notice)

st.subheader(t("my_cohorts_title"))
mine = joined_cohorts(store(), learner)
if not mine:
    st.caption(t("my_cohorts_none"))
for cohort in mine:
    st.markdown(
        t(
            "my_cohort_line",
            name=literal_markdown(cohort.name),
            **_summary(cohort.profile_id, cohort.starts_on, cohort.ends_on),
        )
    )
    if st.button(t("leave_button"), key=f"leave-{cohort.id}"):
        leave_cohort(store(), learner, cohort.id)
        st.session_state["cohort_notice"] = t("left_cohort", name=cohort.name)
        st.rerun()

instructor = signed_in_instructor()
if instructor is None:
    with st.expander(t("redeem_title")):
        st.caption(t("redeem_help"))
        invitation = st.text_input(t("redeem_code"), key="redeem_code", type="password")
        if st.button(t("redeem_button"), key="redeem"):
            try:
                redeem_instructor_invite(store(), learner, invitation)
            except CohortError as error:
                st.error(str(error))
            else:
                st.session_state["cohort_notice"] = t("redeemed")
                st.rerun()
    st.stop()

st.divider()
st.subheader(t("teach_title"))
taught = taught_cohorts(store(), instructor)
if not taught:
    st.caption(t("teach_none"))
for cohort in taught:
    with st.expander(cohort.name, expanded=len(taught) == 1):
        st.caption(t("cohort_summary", **_summary(cohort.profile_id, cohort.starts_on, cohort.ends_on)))
        if cohort.invite_code:
            st.text(t("invite_code_label"))
            st.code(cohort.invite_code, language=None)
            st.text(t("invite_link_label"))
            base = str(st.context.url or "").split("?")[0].rsplit("/", 1)[0]
            st.code(f"{base}/cohorts?join={cohort.invite_code}", language=None)
        else:
            st.info(t("invite_revoked"))
        try:
            # One under the other: side by side, the French labels were cut before what the button does.
            if st.button(t("renew_code_button"), key=f"renew-{cohort.id}"):
                renew_invite_code(store(), instructor, cohort.id)
                st.rerun()
            if cohort.invite_code and st.button(t("revoke_code_button"), key=f"revoke-{cohort.id}"):
                revoke_invite_code(store(), instructor, cohort.id)
                st.rerun()
            with st.form(f"co-{cohort.id}", clear_on_submit=True):
                other = st.text_input(t("co_instructor_name"), key=f"co-name-{cohort.id}")
                if st.form_submit_button(t("co_instructor_button")):
                    add_co_instructor(store(), instructor, cohort.id, other)
                    st.success(t("co_instructor_added", name=other))
        except (CohortError, NotAllowed) as error:
            st.error(str(error))
        st.page_link("app_pages/dashboard.py", label=t("go_dashboard"), icon=":material/monitoring:")

st.subheader(t("create_cohort_title"))
with st.form("new_cohort", clear_on_submit=True):
    name = st.text_input(t("cohort_name"), max_chars=120, key="new_cohort_name")
    profile_id = st.selectbox(
        t("cohort_profile"), list(bank.profiles), format_func=lambda p: bank.profiles[p].title, key="new_cohort_profile"
    )
    languages = st.multiselect(
        t("cohort_languages"),
        sorted(bank.language_skills),
        placeholder=t("choose_options"),
        default=["python"] if "python" in bank.language_skills else [],
        format_func=lambda s: bank.skills[s].name,
        key="new_cohort_languages",
    )
    today = date.today()
    typed_as = date_entry_format()
    starts = st.date_input(t("cohort_starts"), value=today, format=typed_as, key="new_cohort_starts")
    ends = st.date_input(t("cohort_ends"), value=today + timedelta(weeks=12), format=typed_as, key="new_cohort_ends")
    if st.form_submit_button(t("create_cohort_button"), type="primary"):
        try:
            made = create_cohort(store(), instructor, name, profile_id, languages, starts, ends)  # type: ignore[arg-type]
        except CohortError as error:
            st.error(str(error))
        else:
            st.session_state["cohort_notice"] = t("cohort_created", name=made.name)
            st.rerun()

st.subheader(t("invite_instructor_title"))
if st.button(t("invite_instructor_button"), key="invite_instructor"):
    st.write(t("invite_instructor_code"))
    st.code(invite_instructor(store(), instructor), language=None)
