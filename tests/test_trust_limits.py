"""Issue 13, item 5: every text a person types has one declared limit, enforced in the core.

Each core write that takes text accepts exactly its field's limit (read back from the database)
and refuses one character more with a one-line message naming both numbers, storing nothing.
Line breaks are accepted only where the text may span lines; other control characters are
refused everywhere. The pages show the same limits as `max_chars`.
"""

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
import yaml
from support import logged_in

from kpi.access import auth, users
from kpi.access.roles import Actor
from kpi.cockpit import backlog, meeting, outcomes
from kpi.errors import InvalidInput
from kpi.store import settings
from kpi.store.database import open_store
from kpi.store.state_schema import STATE_TABLES

ADA = Actor("ada", "admin")
DAY = date(2025, 3, 3)


def typed(size: int, lines: bool) -> str:
    """`size` characters as a person types them: accents, emoji, tabs, line breaks if allowed."""
    unit = "Ñandú 🧭\tok\n" if lines else "Ñandú 🧭\tok "
    return (unit * (size // len(unit) + 1))[: size - 1] + "z"


def scalar(store, sql: str, params: list):
    return store.state().execute(sql, params).fetchone()[0]


@dataclass
class Write:
    """One core write that stores a text field: prepare, write `value`, read the stored text."""

    name: str
    limit: Callable[[], int]  # the field's declared limit, used only as the size of the input
    lines: bool  # whether the field may span lines (stated here, not read from the code)
    write: Callable  # (store, context, value) -> key of the stored row
    read: Callable  # (store, key) -> the text stored
    setup: Callable = field(default=lambda store: {})


def _item(store):
    return {"item": backlog.create_item(store, ADA, title="t")["id"]}


def _meeting(store):
    return {"meeting": meeting.create_meeting(store, ADA, title="m", meeting_date=DAY)}


def _column(table: str, column: str) -> Callable:
    return lambda store, key: scalar(store, f"SELECT {column} FROM {table} WHERE id = ?", [key])


def _update_meeting(store, context: dict, **changes) -> int:
    meeting.update_meeting(store, ADA, context["meeting"], **changes)
    return context["meeting"]


def _replace_agenda(store, context: dict, blocks: list[dict]) -> int:
    meeting.replace_agenda(store, ADA, context["meeting"], blocks)
    return context["meeting"]


def _set_setting(store, key: str, value: str) -> str:
    settings.set_setting(store, ADA, key, value)
    return key


def _block(column: str) -> Callable:
    sql = f"SELECT {column} FROM agenda_blocks WHERE meeting_id = ? AND position = 0"
    return lambda store, key: scalar(store, sql, [key])


def _last_attendee(store, key):
    return json.loads(scalar(store, "SELECT attendees FROM meetings WHERE id = ?", [key]))[-1]


def _setting(store, key):
    sql = "SELECT arg_max(value, valid_from) FROM settings WHERE key = ?"
    return json.loads(scalar(store, sql, [key]))


def _field_writes(prefix, fields: dict, lines: dict[str, bool], write, read, setup=None):
    """One Write per field: its declared limit (`fields[name].limit`), whether it spans lines,
    `write(store, context, value, field name)` and `read(field name)`."""
    return [
        Write(
            f"{prefix}-{name}",
            (lambda n: lambda: fields[n].limit)(name),
            spans,
            (lambda n: lambda s, c, v: write(s, c, v, n))(name),
            read(name),
            setup or (lambda store: {}),
        )
        for name, spans in lines.items()
    ]


def _create_and_change(fields, lines, read, created, changed, setup) -> list[Write]:
    """Each field checked on the write that creates its row, then on the one that changes it;
    `created` and `changed` are (id prefix, write)."""
    (create_prefix, create), (change_prefix, change) = created, changed
    first = _field_writes(create_prefix, fields, lines, create, read)
    then = _field_writes(change_prefix, fields, lines, change, read, setup)
    return [write for pair in zip(first, then, strict=True) for write in pair]


def _item_writes() -> list[Write]:
    return _create_and_change(
        backlog.ITEM_TEXT,
        {"title": False, "description": True, "owner": False, "expected_effect": True},
        lambda name: _column("backlog_items", name),
        (
            "item-create",
            lambda s, c, v, n: backlog.create_item(s, ADA, **{"title": "t", n: v})["id"],
        ),
        ("item-update", lambda s, c, v, n: backlog.update_item(s, ADA, c["item"], **{n: v})["id"]),
        _item,
    )


def _action_writes() -> list[Write]:
    base = {"title": "t", "owner": "ana", "definition_of_done": "hecho"}
    return _field_writes(
        "action",
        backlog.ACTION_TEXT,
        {"title": False, "owner": False, "definition_of_done": True},
        lambda s, c, v, n: backlog.add_sprint_action(
            s, ADA, meeting_id=c["meeting"], **{**base, n: v}
        )["id"],
        lambda name: _column("sprint_actions", name),
        _meeting,
    )


def _agenda(column: str, value: str) -> list[dict]:
    return [{"name": "Bloque", "minutes": 5, "leader": "Ana", "content": "", column: value}]


def _meeting_writes() -> list[Write]:
    writes = [
        Write(
            "meeting-create-title",
            lambda: meeting.TITLE.limit,
            False,
            lambda s, c, v: meeting.create_meeting(s, ADA, title=v, meeting_date=DAY),
            _column("meetings", "title"),
        ),
        Write(
            "meeting-create-attendee",
            lambda: meeting.ATTENDEE.limit,
            False,
            lambda s, c, v: meeting.create_meeting(s, ADA, attendees=["Ana", v], meeting_date=DAY),
            _last_attendee,
        ),
        Write(
            "meeting-update-title",
            lambda: meeting.TITLE.limit,
            False,
            lambda s, c, v: _update_meeting(s, c, title=v),
            _column("meetings", "title"),
            _meeting,
        ),
        Write(
            "meeting-update-attendee",
            lambda: meeting.ATTENDEE.limit,
            False,
            lambda s, c, v: _update_meeting(s, c, attendees=[v]),
            _last_attendee,
            _meeting,
        ),
        Write(
            "meeting-update-decisions",
            lambda: meeting.DECISIONS.limit,
            True,
            lambda s, c, v: _update_meeting(s, c, decisions=v),
            _column("meetings", "decisions"),
            _meeting,
        ),
    ]
    return writes + _create_and_change(
        meeting.BLOCK_TEXT,
        {"name": False, "leader": False, "content": True},
        _block,
        (
            "meeting-create-block",
            lambda s, c, v, n: meeting.create_meeting(
                s, ADA, title="m", meeting_date=DAY, agenda=_agenda(n, v)
            ),
        ),
        ("agenda-replace", lambda s, c, v, n: _replace_agenda(s, c, _agenda(n, v))),
        _meeting,
    )


def _note_writes() -> list[Write]:
    return _field_writes(
        "note",
        meeting.NOTE_TEXT,
        {"text": True, "why": True, "root_cause": True, "owner": False},
        lambda s, c, v, n: meeting.add_note(
            s, ADA, c["meeting"], **{"kind": "risk", "text": "t", n: v}
        )["id"],
        lambda name: _column("notes", name),
        _meeting,
    )


def _outcome_writes() -> list[Write]:
    base = {"quarter": "2025-Q2", "title": "t", "kpi_id": "win_rate", "target": 0.3}
    return _field_writes(
        "outcome",
        outcomes.OUTCOME_TEXT,
        dict.fromkeys(("title", "owner", "channel"), False),
        lambda s, c, v, n: outcomes.create_outcome(s, ADA, **{**base, n: v})["id"],
        lambda name: _column("outcomes", name),
    )


def _setting_writes() -> list[Write]:
    return [
        Write(
            f"setting-{key}",
            (lambda k: lambda: settings.TEXT_FIELDS[k].limit)(key),
            True,
            lambda s, c, v, k=key: _set_setting(s, k, v),
            _setting,
        )
        for key in ("definition_mql", "definition_sql", "definition_icp")
    ]


WRITES = (
    _item_writes()
    + _action_writes()
    + _meeting_writes()
    + _note_writes()
    + _outcome_writes()
    + _setting_writes()
)


def snapshot(store) -> dict:
    """Every row of every state table (tests hold a handful), to prove a refusal stored nothing."""
    cur = store.state()
    return {t: cur.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in STATE_TABLES}


def refused(store, write: Write, context: dict, value: str) -> InvalidInput:
    before = snapshot(store)
    with pytest.raises(InvalidInput) as error:
        write.write(store, context, value)
    assert snapshot(store) == before
    return error.value


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_exactly_the_limit_is_stored_as_typed(store, write):
    value = typed(write.limit(), write.lines)
    key = write.write(store, write.setup(store), value)
    assert write.read(store, key) == value


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_one_character_more_is_refused_with_both_numbers(store, write):
    limit = write.limit()
    error = refused(store, write, write.setup(store), typed(limit + 1, write.lines))
    for lang in ("es", "en"):
        message = error.message(lang)
        assert "\n" not in message
        assert re.findall(r"\d+", re.sub(r"(?<=\d)[.,](?=\d{3})", "", message)) == [
            str(limit + 1),
            str(limit),
        ], message


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_line_breaks_only_where_text_spans_lines(store, write):
    context = write.setup(store)
    value = "Primera línea\nsegunda línea"
    if write.lines:
        key = write.write(store, context, value)
        assert write.read(store, key) == value
    else:
        error = refused(store, write, context, value)
        assert "una sola línea" in error.message("es") and "single line" in error.message("en")


@pytest.mark.parametrize("control", ["\x00", "\x1b[31m", "\x7f", "\x85"])
@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_other_control_characters_are_refused_not_stripped(store, write, control):
    error = refused(store, write, write.setup(store), f"Ana{control}García")
    assert f"U+{ord(control[0]):04X}" in error.message("en")


def test_right_to_left_marks_and_emoji_joiners_are_text(store):
    title = "‏مرحبا‏ 👩‍💻 equipo"  # U+200F and U+200D are format characters, not controls
    item = backlog.create_item(store, ADA, title=title)
    assert scalar(store, "SELECT title FROM backlog_items WHERE id = ?", [item["id"]]) == title


def test_a_20_mb_backlog_title_is_refused_fast_and_stores_nothing(store):
    huge = "x" * 20_000_000
    started = time.perf_counter()
    with pytest.raises(InvalidInput) as error:
        backlog.create_item(store, ADA, title=huge)
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, elapsed
    assert "20.000.000" in error.value.message("es") and "20,000,000" in error.value.message("en")
    assert len(error.value.message("en")) < 120
    assert scalar(store, "SELECT count(*) FROM backlog_items", []) == 0


def test_a_300_character_time_zone_is_a_clear_refusal(store):
    with pytest.raises(InvalidInput):
        settings.set_setting(store, ADA, "time_zone", "Europe/" + "x" * 300)
    assert settings.get_settings(store)["time_zone"] == "Europe/Madrid"


CODES = [
    ("item-area", lambda s, c: backlog.create_item(s, ADA, title="t", area="finanzas")),
    ("item-kpi", lambda s, c: backlog.create_item(s, ADA, title="t", kpi_id="x" * 10_000)),
    ("item-update-area", lambda s, c: backlog.update_item(s, ADA, c["item"], area="finanzas")),
    ("item-update-kpi", lambda s, c: backlog.update_item(s, ADA, c["item"], kpi_id="nope")),
    (
        "action-kpi",
        lambda s, c: backlog.add_sprint_action(
            s, ADA, title="t", owner="ana", definition_of_done="d", kpi_id="nope"
        ),
    ),
    (
        "note-area",
        lambda s, c: meeting.add_note(s, ADA, c["meeting"], kind="risk", text="t", area="x" * 500),
    ),
    (
        "note-kpi",
        lambda s, c: meeting.add_note(s, ADA, c["meeting"], kind="risk", text="t", kpi_id="nope"),
    ),
]


@pytest.mark.parametrize("call", [c[1] for c in CODES], ids=[c[0] for c in CODES])
def test_codes_outside_their_list_are_refused(store, call):
    context = {**_item(store), **_meeting(store)}
    before = snapshot(store)
    with pytest.raises(InvalidInput):
        call(store, context)
    assert snapshot(store) == before


def test_attendees_are_capped(store):
    cap = meeting.MAX_ATTENDEES
    names = [f"Persona {n}" for n in range(cap + 1)]
    context = _meeting(store)
    before = snapshot(store)
    with pytest.raises(InvalidInput):
        meeting.update_meeting(store, ADA, context["meeting"], attendees=names)
    assert snapshot(store) == before
    # Repeats (any case) and blanks are not new attendees.
    meeting.update_meeting(
        store, ADA, context["meeting"], attendees=names[:cap] + ["persona 0", " ", ""]
    )
    assert meeting.get_meeting(store, context["meeting"]).attendees == names[:cap]


def test_a_long_multi_line_note_becomes_an_item_within_the_item_limits(store):
    context = _meeting(store)
    text = "Lo que pasó\n" + "a" * 1900
    note = meeting.add_note(
        store, ADA, context["meeting"], kind="worked", text=text, why="b" * 2000, root_cause="c"
    )
    item = backlog.get_item(store, meeting.note_to_backlog(store, ADA, note["id"]))
    assert item["title"].startswith("Lo que pasó aaa") and item["title"].endswith("…")
    assert "\n" not in item["title"] and len(item["title"]) == 200
    assert item["description"].startswith(text + "\nbbb") and item["description"].endswith("…")
    assert len(item["description"]) == 2000


# ---- display names live in the credentials file, not the database --------------------------


def test_a_display_name_of_exactly_the_limit_is_stored_one_more_is_refused(store, users_file):
    name = typed(users.MAX_NAME, lines=False).replace("\t", " ")
    auth.save_user(store, ADA, users_file, "nuria", name, "editor", "primera-clave")
    assert (
        yaml.safe_load(users_file.read_text())["credentials"]["usernames"]["nuria"]["name"] == name
    )
    before = users_file.read_bytes()
    with pytest.raises(InvalidInput):
        auth.save_user(store, ADA, users_file, "nuria", name + "z", "editor")
    with pytest.raises(InvalidInput):
        auth.save_user(store, ADA, users_file, "otro", "x" * 20_000_000, "editor", "clave-larga")
    assert users_file.read_bytes() == before


@pytest.mark.parametrize("control", ["\x00", "\x1b[31m", "\x7f", "\x85", "\n", "\x1e"])
def test_display_names_refuse_control_characters_not_strip_them(store, users_file, control):
    before = users_file.read_bytes()
    with pytest.raises(InvalidInput) as error:
        auth.save_user(
            store, ADA, users_file, "nuria", f"Nuria{control}Pérez", "editor", "clave-1234"
        )
    assert "\n" not in error.value.message("en")
    assert users_file.read_bytes() == before
    assert scalar(store, "SELECT count(*) FROM audit_log WHERE table_name = 'users'", []) == 0


BAD_CODES = [
    ("item-status", lambda s, c, v: backlog.update_item(s, ADA, c["item"], status=v)),
    ("review-status", lambda s, c, v: backlog.review_action(s, ADA, 1, v)),
    ("note-kind", lambda s, c, v: meeting.add_note(s, ADA, c["meeting"], kind=v, text="t")),
    (
        "outcome-kpi",
        lambda s, c, v: outcomes.create_outcome(
            s, ADA, quarter="2025-Q2", title="t", kpi_id=v, target=0.3
        ),
    ),
    (
        "outcome-quarter",
        lambda s, c, v: outcomes.create_outcome(
            s, ADA, quarter=v, title="t", kpi_id="win_rate", target=0.3
        ),
    ),
]


@pytest.mark.parametrize("call", [c[1] for c in BAD_CODES], ids=[c[0] for c in BAD_CODES])
def test_a_refusal_quotes_a_huge_bad_code_only_in_part(store, call):
    context = {**_item(store), **_meeting(store)}
    with pytest.raises(InvalidInput) as error:
        call(store, context, "x" * 1_000_000)
    for lang in ("es", "en"):
        assert len(error.value.message(lang)) < 200


# ---- the pages show the limits while typing ---------------------------------------------------

BACKLOG_INPUTS = {  # key: characters, as the issue states them (titles 200, long text 2,000)
    "new_title": 200,
    "new_description": 2000,
    "new_owner": 120,
    "new_effect": 2000,
    "sprint_title": 200,
    "sprint_owner": 120,
    "sprint_done": 2000,
}


def test_the_backlog_page_inputs_carry_the_limits(app_env):
    backlog.create_item(open_store(app_env), ADA, title="Guion ICP-A")
    at = logged_in("editor").run()
    at = at.switch_page("app_pages/backlog.py").run()
    assert not at.exception, at.exception
    inputs = {w.key: w for w in [*at.text_input, *at.text_area]}
    assert {key: inputs[key].max_chars for key in BACKLOG_INPUTS} == BACKLOG_INPUTS
    assert all(w.max_chars for w in inputs.values()), [
        k for k, w in inputs.items() if not w.max_chars
    ]
    columns = json.loads(at.dataframe[-1].proto.columns)
    editable = {c: columns[c]["type_config"].get("max_chars") for c in ("title", "owner")}
    assert editable == {"title": 200, "owner": 120}
    # The browser stops typing at the limit; AppTest's input() does the same.
    at.text_input(key="new_title").input("x" * 201)
    assert at.text_input(key="new_title").value == ""


def test_the_meeting_page_inputs_carry_the_limits(app_env):
    store = open_store(app_env)
    meeting.create_meeting(store, ADA, title="m", meeting_date=DAY)
    at = logged_in("editor").run()
    at = at.switch_page("app_pages/meeting.py").run()
    assert not at.exception, at.exception
    inputs = {w.key: w.max_chars for w in [*at.text_input, *at.text_area]}
    assert inputs["new_title"] == 200
    assert inputs["note_text"] == 2000 and inputs["note_owner"] == 120
    assert inputs["action_title"] == 200 and inputs["action_done"] == 2000
    assert all(inputs.values()), inputs


def test_the_meeting_agenda_and_decisions_carry_the_limits(app_env):
    meeting.create_meeting(open_store(app_env), ADA, title="m", meeting_date=DAY)
    at = logged_in("editor").run()
    at = at.switch_page("app_pages/meeting.py").run()
    assert not at.exception, at.exception
    decisions = [w for w in at.text_area if w.key.startswith("decisions_")]
    assert [w.max_chars for w in decisions] == [8000]
    columns = json.loads(at.dataframe[0].proto.columns)
    limits = {c: columns[c]["type_config"].get("max_chars") for c in ("name", "leader", "content")}
    assert limits == {"name": 200, "leader": 200, "content": 2000}


def page_inputs(db, page: str) -> dict[str, int]:
    open_store(db)
    at = logged_in("admin").run()
    at = at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return {w.key: w.max_chars for w in [*at.text_input, *at.text_area]}


def test_the_outcomes_page_inputs_carry_the_limits(app_env):
    assert page_inputs(app_env, "outcomes") == {"oc_title": 200, "oc_owner": 120}


def test_the_settings_definitions_carry_the_long_text_limit(app_env):
    keys = ("def_definition_mql", "def_definition_sql", "def_definition_icp")
    assert {
        k: v for k, v in page_inputs(app_env, "settings").items() if k in keys
    } == dict.fromkeys(keys, 2000)


def test_the_users_page_name_inputs_carry_the_limits(app_env):
    inputs = page_inputs(app_env, "users")
    # Passwords carry none on purpose: a hidden field cut at a limit would set a password the
    # person never typed; the core refuses one that is too long instead.
    assert {k: inputs[k] for k in ("users_new_username", "users_new_name")} == {
        "users_new_username": 64,
        "users_new_name": 120,
    }
