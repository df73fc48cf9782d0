"""Human labels for the values of a dimension (channel codes, ICP tiers), declared once.

A channel shows as the label an admin set in Ajustes, else its built-in label in the reader's
language (kpi/strings/labels.toml, for the codes the demo and common CRMs use), else the code
humanised (`paid_search` → «Paid search»). Pages never show a raw code.
"""

from collections.abc import Callable, Mapping

from kpi.access.roles import Actor
from kpi.i18n import CATALOGUE, DASH, t
from kpi.store.database import Store
from kpi.store.settings import get_settings, set_setting

CHANNEL_SETTING = "channel_labels"


def humanised(code: str) -> str:
    """`paid_search` → `Paid search`: separators become spaces, the first letter a capital."""
    words = code.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else code


def channel_label(code: str | None, lang: str, custom: Mapping[str, str] | None = None) -> str:
    """The label of channel `code`: the admin's, else the built-in one, else the humanised code."""
    if code is None or str(code).strip() == "":
        return DASH
    if custom and custom.get(code):
        return custom[code]
    if f"channel.{code}" in CATALOGUE:
        return t(f"channel.{code}", lang)
    return humanised(str(code))


def tier_label(tier: str | None, lang: str) -> str:
    """`A` → «ICP-A»; no tier → «ICP sin asignar»."""
    if tier is None or str(tier).strip() == "":
        return t("icp_tier.unknown", lang)
    return t("icp_tier.value", lang, tier=tier)


def custom_channel_labels(store: Store) -> dict[str, str]:
    """The labels an admin set, by channel code."""
    return dict(get_settings(store)[CHANNEL_SETTING])


def channel_namer(store: Store, lang: str) -> Callable[[str | None], str]:
    """A code → label function for one page run (reads the admin's labels once)."""
    custom = custom_channel_labels(store)
    return lambda code: channel_label(code, lang, custom)


def value_label(
    dimension: str, value: str | None, lang: str, custom: Mapping[str, str] | None = None
) -> str:
    """The label of one value of `dimension` (channel, icp_tier; others show as typed, empty as —)."""
    if dimension == "channel":
        return channel_label(value, lang, custom)
    if dimension == "icp_tier":
        return tier_label(value, lang)
    return DASH if value is None or str(value).strip() == "" else str(value)


def set_channel_label(store: Store, actor: Actor, code: str, label: str) -> dict[str, str]:
    """Give channel `code` the label `label` (blank: back to the default); a new settings version."""
    labels = custom_channel_labels(store)
    labels[code] = label
    return set_setting(store, actor, CHANNEL_SETTING, labels)
