"""What each not-yet-built page will hold (removed as the pages land)."""

STRINGS: dict[str, tuple[str, str]] = {}
