"""DevReady's core: content, assembly, scoring, planning, charts and storage. Never imports streamlit."""
