"""Text a learner wrote (or an import carried), shown inside Markdown exactly as written.

Every ASCII punctuation character is backslash-escaped, which CommonMark turns back into the
character itself, so no link, image, emphasis, heading, code span, HTML tag, Streamlit colour or
icon directive (`:red[…]`, `:material/…:`) or autolink (the `://` is broken by the escape) can come
out of it; line breaks become spaces. This keeps a review entry one Markdown element (the Results
page draws one per answer, so fewer elements keep its reruns fast).
"""

from __future__ import annotations

import string

_ESCAPES = {ord(char): "\\" + char for char in string.punctuation}
_ESCAPES.update({ord("\n"): " ", ord("\r"): " "})


def literal_markdown(text: str) -> str:
    """`text` as Markdown that renders as exactly `text` (on one line)."""
    return text.translate(_ESCAPES)
