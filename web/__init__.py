"""The web server around the Streamlit app: routes that plain HTTP handles better than a script run."""
