"""How scoring works: docs/scoring.md, the one explanation of the model, shown as it is written (in
French, its translation docs/scoring.fr.md)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from quiz.messages import DEFAULT_LOCALE, current_locale

DOCS = Path(__file__).resolve().parent.parent / "docs"


def scoring_doc_path(locale: str) -> Path:
    translated = DOCS / f"scoring.{locale}.md"
    return translated if locale != DEFAULT_LOCALE and translated.is_file() else DOCS / "scoring.md"


@st.cache_resource(show_spinner=False)
def _scoring_doc(locale: str) -> str:
    return scoring_doc_path(locale).read_text(encoding="utf-8")


st.markdown(_scoring_doc(current_locale()))  # our own document, not learner text
