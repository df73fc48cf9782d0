"""Importar: upload a CRM export, map its columns, validate (dry run), confirm, save the mapping."""

import streamlit as st

from app_pages.widgets import common
from kpi.ingest import report as import_report
from kpi.ingest import uploads as ui
from kpi.ingest.fields import TABLES
from kpi.ingest.importer import run_import
from kpi.ingest.mapping import IngestError, mapping_to_toml, save_mapping
from kpi.store.database import StoreError
from kpi.text import escape_markdown

user = common.guard("import")
tr, lang = common.tr, common.lang()
db = common.db_path()

st.title(tr("nav.import"))
st.caption(tr("import.intro"))


def show_error(error: Exception) -> None:
    if isinstance(error, StoreError):
        common.show_store_error(error)
    else:
        name = st.session_state.get("import_name")  # never the server's paths
        st.error(escape_markdown(ui.upload_error(error, name, lang)))


def save_box(mapping) -> None:
    with st.expander(tr("import.save")):
        name = st.text_input(tr("import.save_name"), key="import_save_name")
        if st.button(tr("import.save"), key="import_save") and name.strip():
            try:
                saved = save_mapping(ui.mappings_folder(db), name, mapping)
                st.success(tr("import.saved", path=escape_markdown(saved)))
            except IngestError as error:
                show_error(error)
        toml, file_name = mapping_to_toml(mapping), f"{mapping.table}_mapping.toml"
        st.download_button(tr("import.download"), toml, file_name=file_name)


upload = st.file_uploader(
    tr("import.upload"), type=["csv", "txt", "tsv", "xlsx"], help=tr("import.upload.help")
)
if upload is not None and st.session_state.get("import_upload_id") != upload.file_id:
    ui.take_upload(st.session_state, db, upload.name, upload.getvalue(), upload.file_id)
path = st.session_state.get("import_file")
if not path:
    if done := st.session_state.get("import_done"):  # imported: the file is gone, the report not
        st.success(tr("import.done", generation=done[0].generation))
        st.write(ui.summary_text(done[0], lang))
        save_box(done[1])
    common.end_page()

# Labels are fixed per run: AppTest and reruns format options outside the page's language.
left, right = st.columns(2)
table_labels = {t: tr(f"import.table.{t}") for t in TABLES}
table = left.selectbox(tr("import.table"), TABLES, format_func=table_labels.get, key="import_table")
labels = ui.choice_labels(table, db, lang)
choice = right.selectbox(
    tr("import.preset"), list(labels), format_func=labels.get, key="import_choice"
)
try:
    base = ui.starting_mapping(table, choice, path, db)
    headers, sample = ui.file_view(path, base.source)
except IngestError as error:
    show_error(error)
    common.end_page()

with st.expander(tr("import.file_rows")):
    st.dataframe(sample, hide_index=True)

st.subheader(tr("import.mapping"))
st.caption(tr("import.mapping.help"))
rows = ui.mapping_rows(base, headers)
editor_key = f"import_map:{table}:{choice}:{path}"
# The editor shows each field's name in words; edits come back by row, so `rows` keeps the codes.
st.data_editor(
    [r | {"field": import_report.field_label(r["field"], lang)} for r in rows],
    key=editor_key,
    hide_index=True,
    disabled=["field"],
    column_config={
        "field": st.column_config.TextColumn(tr("import.field")),
        "column": st.column_config.SelectboxColumn(tr("import.column"), options=["", *headers]),
        "constant": st.column_config.TextColumn(tr("import.constant")),
    },
)
edited = ui.apply_edits(rows, st.session_state.get(editor_key))
c1, c2 = st.columns(2)
date_format = c1.text_input(
    tr("import.date_format"), base.source.get("date_format", ""), key=f"import_df:{choice}"
)
decimals = {"": tr("import.decimal.auto"), ",": ",", ".": "."}
start = list(decimals).index(base.source.get("decimal", ""))
decimal = c2.selectbox(
    tr("import.decimal"), list(decimals), start, decimals.get, key=f"import_dec:{choice}"
)
try:
    mapping = ui.mapping_from_rows(base, edited, date_format, decimal)
except IngestError as error:
    show_error(error)
    common.end_page()


def run(dry_run: bool, accept_valid: bool = False):
    bar = st.progress(0.0, text=(bar_text := tr("import.progress")))
    name = st.session_state.get("import_name")
    options = {"dry_run": dry_run, "accept_valid": accept_valid, "source_name": name}
    try:
        step = lambda f: bar.progress(ui.fraction(f), text=bar_text)  # noqa: E731
        return run_import(db, table, path, user, mapping=mapping, progress=step, **options)
    except (IngestError, StoreError) as error:
        show_error(error)
        return None
    finally:
        bar.empty()


# A report belongs to one file and one mapping: editing either asks for a new validation.
signature = (path, mapping_to_toml(mapping))
if st.button(tr("import.validate"), key="import_validate", type="secondary"):
    st.session_state["import_report"] = (signature, run(dry_run=True))
validated = st.session_state.get("import_report") or (None, None)
report = validated[1] if validated[0] == signature else None
if report is not None:
    counts = ui.report_counts(report)
    for column, (key, value) in zip(st.columns(len(counts)), counts, strict=True):
        column.metric(tr(f"import.metric.{key}"), value)
    st.subheader(tr("import.preview"))
    st.dataframe(import_report.preview_table(report, lang), hide_index=True)
    if report.rejections:
        st.subheader(tr("import.rejections"))
        st.dataframe(import_report.rejection_table(report, lang), hide_index=True)
    for warning in import_report.near_duplicate_notes(report, lang):
        st.warning(escape_markdown(warning))
    accept = bool(report.rejected_rows) and st.checkbox(
        tr("import.accept_valid"), key="import_accept"
    )
    for note in ui.report_notes(report, lang):
        st.info(escape_markdown(note))
    blocked = bool(report.rejected_rows) and not accept
    if st.button(tr("import.confirm"), key="import_confirm", type="primary", disabled=blocked):
        done = run(dry_run=False, accept_valid=accept)
        if done is not None and done.written:
            ui.finish_upload(st.session_state, done, mapping)
            st.rerun()

save_box(mapping)
