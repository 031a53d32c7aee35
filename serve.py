"""The server `make run` starts: Streamlit's own ASGI app running app.py, plus the sign-in routes that
set the session cookie (web/session_cookie.py), so a signed-in learner stays signed in across reloads,
new tabs and server restarts. `streamlit run app.py` still works, without those routes."""

import streamlit as st
from starlette.middleware import Middleware

from web.session_cookie import SignInGate, session_routes

app = st.App("app.py", routes=session_routes(), middleware=[Middleware(SignInGate)])
