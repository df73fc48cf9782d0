"""The company's wall clock: naive timestamps in the configured time zone (DESIGN §3)."""

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

TIME_ZONE = os.environ.get("BRUJULA_TZ", "Europe/Madrid")


def now() -> datetime:
    return datetime.now(ZoneInfo(TIME_ZONE)).replace(tzinfo=None, microsecond=0)


def today() -> date:
    return now().date()
