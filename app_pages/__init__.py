"""The Streamlit pages, layout only; app.py routes to them and widgets/ holds what they share."""
