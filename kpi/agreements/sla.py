"""The SLA document between Marketing and Sales: its terms, versions and owner teams."""

from dataclasses import dataclass, field
from typing import Any

from kpi.access.roles import Actor
from kpi.agreements import versions
from kpi.agreements.versions import Approval
from kpi.errors import InvalidInput, TextRefused, finite_number
from kpi.store.database import Store
from kpi.store.settings import NUMBER_RANGES, get_settings

DOCUMENT = "sla_document"
TIERS = ("A", "B", "C")
# The four commitments in the order the document lists them, each with the team that owes it.
ITEMS = ("response", "quality", "feedback", "review")
OWNERS = {"response": "Ventas", "quality": "Marketing", "feedback": "Ventas", "review": "Marketing"}
# Until a first version is approved, the review window the loop's figures read.
DEFAULT_REVIEW_DAYS = 5
DAY_RANGE = (1, 60)


@dataclass(frozen=True)
class Sla:
    """One version of the SLA document (version 0: the defaults, never approved)."""

    response_hours: float
    tier_hours: dict[str, float | None] = field(default_factory=dict)
    min_icp_a_share: float = 0.5
    feedback_business_days: int = 2
    review_days: int = DEFAULT_REVIEW_DAYS
    compliance_target: float = 0.9
    approval: Approval | None = None

    @property
    def version(self) -> int:
        return self.approval.version if self.approval else 0

    def hours_for(self, tier: str) -> float:
        """The response deadline in hours for leads of ICP `tier` (the general one if unset)."""
        return self.tier_hours.get(tier) or self.response_hours


def _defaults(store: Store) -> Sla:
    # Before any approval the document reads the settings the scorecard already uses.
    settings = get_settings(store)
    return Sla(settings["sla_hours"], min_icp_a_share=settings["committed_icp_share"])


def _from_row(row: dict) -> Sla:
    return Sla(
        row["response_hours"],
        {tier: row[f"response_hours_{tier.lower()}"] for tier in TIERS},
        row["min_icp_a_share"],
        row["feedback_business_days"],
        row["review_days"],
        row["compliance_target"],
        versions.approval_of(row),
    )


def current_sla(store: Store) -> Sla:
    """The approved SLA in force (the newest version), else the unapproved defaults."""
    row = versions.latest_row(store, DOCUMENT)
    return _from_row(row) if row else _defaults(store)


def review_days(store: Store) -> int:
    """Days Marketing has to review a rejected lead (read by the rejected-lead review)."""
    return current_sla(store).review_days


def _days(value: Any, name: str) -> int:
    number = finite_number(value, name, *DAY_RANGE)
    if number != int(number):
        raise InvalidInput("error.input.number", field=name, value=str(value)[:40])
    return int(number)


def _hours(value: Any, name: str) -> float | None:
    if value is None or str(value).strip() == "":
        return None
    return finite_number(value, name, *NUMBER_RANGES["sla_hours"])


def save_sla(
    store: Store,
    actor: Actor,
    *,
    response_hours: Any,
    tier_hours: dict[str, Any] | None = None,
    min_icp_a_share: Any,
    feedback_business_days: Any,
    review_days: Any,
    compliance_target: Any,
    approvers: Any,
    approved_on: Any,
    note: Any = "",
) -> Sla:
    """Approve a new version of the SLA document (admins; audited); returns it. Its general
    response hours and minimum ICP-A share become the scorecard's `sla_hours` and
    `committed_icp_share` settings."""
    general = _hours(response_hours, "response_hours")
    if general is None:
        raise TextRefused("error.input.blank", field="agreements.field.response_hours")
    tiers = tier_hours or {}
    unknown = set(tiers) - set(TIERS)
    if unknown:
        raise InvalidInput("error.input.choice", field="icp_tier", value=sorted(unknown)[0][:40])
    values = {
        "response_hours": general,
        **{
            f"response_hours_{t.lower()}": _hours(tiers.get(t), f"response_hours_{t}")
            for t in TIERS
        },
        "min_icp_a_share": finite_number(min_icp_a_share, "min_icp_a_share", 0.0, 1.0),
        "feedback_business_days": _days(feedback_business_days, "feedback_business_days"),
        "review_days": _days(review_days, "review_days"),
        "compliance_target": finite_number(compliance_target, "compliance_target", 0.0, 1.0),
        **versions.clean_approval(approvers, approved_on, note),
    }
    # The scorecard measures the SLA that was approved: its response hours and ICP-A share become
    # the settings the engine and the alerts read, in the same transaction.
    agreed = {"sla_hours": general, "committed_icp_share": values["min_icp_a_share"]}
    settings = get_settings(store)
    in_force = {key: value for key, value in agreed.items() if settings[key] != value}
    return _from_row(versions.save_version(store, actor, DOCUMENT, values, settings=in_force))
