"""The server `make run` starts: Streamlit's own ASGI app running app.py, plus the sign-in routes that
set the session cookie (web/session_cookie.py), so a signed-in learner stays signed in across reloads,
new tabs and server restarts. `streamlit run app.py` still works, without those routes."""

import sys

import streamlit as st
from starlette.middleware import Middleware

from web.session_cookie import SignInGate, session_routes

# Hundreds of sessions' script threads share one interpreter lock, and each database round trip gives it
# up: with Python's default 5 ms switch interval a thread back from PostgreSQL waits behind the others,
# holding its pooled connection. 1 ms keeps answers flowing under load (bench/load.py, one run: at 1,200
# learners on one process, 65 answers a second served instead of 29; docs/deploy.md, "Capacity").
sys.setswitchinterval(0.001)
app = st.App("app.py", routes=session_routes(), middleware=[Middleware(SignInGate)])
