"""Channel labels: the admin's, else the built-in one in the reader's language, else the code
humanised; stored as a versioned, validated setting."""

import pytest
from support import state_value

from kpi.access.roles import Actor, PermissionDenied
from kpi.engine.dimension_labels import (
    channel_label,
    channel_namer,
    custom_channel_labels,
    humanised,
    set_channel_label,
    tier_label,
    value_label,
)
from kpi.errors import InvalidInput
from kpi.store.settings import get_settings, set_setting
from tests.support import EDITOR

ADMIN = Actor("admin", "admin")


def test_a_code_without_a_label_is_humanised():
    assert humanised("paid_search") == "Paid search"
    assert humanised("trade-show  2025") == "Trade show 2025"
    assert channel_label("webinar_q1", "es") == "Webinar q1"


def test_built_in_labels_follow_the_language_and_the_admins_label_wins():
    assert channel_label("events", "es") == "Eventos"
    assert channel_label("events", "en") == "Events"
    assert channel_label("events", "es", {"events": "Ferias"}) == "Ferias"
    assert channel_label(None, "es") == "—"
    assert channel_label("unattributed", "es") == "Sin atribuir"


def test_tiers_and_other_dimensions():
    assert tier_label("A", "es") == "ICP-A"
    assert tier_label(None, "es") == "ICP sin asignar"
    assert tier_label(None, "en") == "No ICP tier"
    assert value_label("channel", "paid_social", "en") == "Paid social"
    assert value_label("owner", "ana", "es") == "ana"
    assert value_label("owner", None, "es") == "—"


def test_labels_are_a_versioned_admin_setting(store):
    assert custom_channel_labels(store) == {}
    set_channel_label(store, ADMIN, "events", "  Ferias  ")
    set_channel_label(store, ADMIN, "seo", "Orgánico")
    assert get_settings(store)["channel_labels"] == {"events": "Ferias", "seo": "Orgánico"}
    assert channel_namer(store, "en")("events") == "Ferias"
    set_channel_label(store, ADMIN, "events", " ")  # blank: back to the built-in label
    assert channel_namer(store, "es")("events") == "Eventos"
    assert state_value(store, "SELECT count(*) FROM settings WHERE key = 'channel_labels'") == 3


def test_labels_are_refused_to_non_admins_and_when_malformed(store):
    with pytest.raises(PermissionDenied):
        set_channel_label(store, EDITOR, "events", "Ferias")
    with pytest.raises(InvalidInput):
        set_setting(store, ADMIN, "channel_labels", "events=Ferias")
    with pytest.raises(InvalidInput):
        set_channel_label(store, ADMIN, "events", "Ferias\nde marzo")
    assert custom_channel_labels(store) == {}
