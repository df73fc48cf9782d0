"""Strings of the exports that leave the app as files (CSV downloads of user text)."""

STRINGS: dict[str, tuple[str, str]] = {
    "leaks.backlog.download": ("Descargar backlog (CSV)", "Download backlog (CSV)"),
}
