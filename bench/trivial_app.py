"""The baseline page of bench/load.py: one form with five radios and a submit button, nothing else.

Whatever this page holds is what Streamlit itself holds on this machine; DevReady's capacity is
reported as a share of it."""

import streamlit as st

with st.form("answer"):
    for index in range(5):
        st.radio(f"Question {index + 1}", ["A", "B", "C", "D"], index=None, key=f"q{index}")
    submitted = st.form_submit_button("Submit")
if submitted:
    st.write("Saved.")
