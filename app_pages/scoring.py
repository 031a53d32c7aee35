"""How scoring works: docs/scoring.md, the one explanation of the model, shown as it is written."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

SCORING_DOC = Path(__file__).resolve().parent.parent / "docs" / "scoring.md"


@st.cache_resource(show_spinner=False)
def _scoring_doc() -> str:
    return SCORING_DOC.read_text(encoding="utf-8")


st.markdown(_scoring_doc())  # our own document, not learner text
