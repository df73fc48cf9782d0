"""Per-area string modules; `kpi.i18n` merges them into the one catalogue."""
