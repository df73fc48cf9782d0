"""Brújula core: KPI catalogue, computation, storage, import, meeting and backlog logic (no Streamlit)."""
