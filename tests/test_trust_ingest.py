"""CSV import never loses or alters a row silently: every record of the file is stored or listed
as rejected with its line (counted independently with Python's csv module), real hash IDs are
kept, oversized rows, NUL bytes and lines in another encoding are refused with their line, the
rejects file runs no formula, and odd inputs give one translated line, never a traceback."""

import contextlib
import csv
import hashlib
import io
import json
import subprocess
import sys

import pytest
from support import ROOT

from kpi.access.roles import SYSTEM
from kpi.cli.main import main
from kpi.ingest.csv_safety import FORMULA_PREFIXES
from kpi.ingest.importer import error_message, run_import
from kpi.ingest.mapping import IngestError, Mapping, MappingError, load_mapping, save_mapping
from kpi.ingest.report import ImportReport
from kpi.ingest.source import MAX_CELL_CHARS, MAX_COLUMNS, MAX_RECORD_BYTES
from tests.ingest_support import rows


def stored(db, sql="SELECT lead_id, owner FROM leads ORDER BY lead_id"):
    return rows(db, sql)


@contextlib.contextmanager
def csv_field_limit(size: int):
    previous = csv.field_size_limit(size)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def records(path, encoding="utf-8") -> list[list[str]]:
    """The file's data records as Python's csv module reads them (blank lines are not records)."""
    with (
        csv_field_limit(2**31 - 1),
        open(path, encoding=encoding, errors="replace", newline="") as f,
    ):
        return [row for row in csv.reader(f) if row][1:]


def cli(capsys, *args) -> tuple[int, str, str]:
    code = main(["import", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def import_with_one_rejection(capsys, src, tmp_path) -> tuple[str, list[tuple], ImportReport]:
    """Import `src` through the CLI: refused (exit 2) while a record is rejected, then done
    (exit 0) with --accept-valid; a dry run into another file accounts for every record.
    Returns the refusal's output, the leads stored and the dry run's report."""
    db = tmp_path / "f.duckdb"
    code, out, _ = cli(capsys, "leads", src, "--db", db, "--lang", "en")
    assert code == 2
    code, _, _ = cli(capsys, "leads", src, "--db", db, "--lang", "en", "--accept-valid")
    assert code == 0
    report = run_import(tmp_path / "g.duckdb", "leads", src, SYSTEM, dry_run=True)
    every_record_is_accounted_for(report, src)
    return out, stored(db), report


def every_record_is_accounted_for(report, path, encoding="utf-8") -> None:
    """Rows read equals the file's records, and each was stored or rejected with its line."""
    count = len(records(path, encoding))
    assert report.rows_read == count
    assert report.inserted + report.updated + report.unchanged + report.rejected_rows == count
    assert len({r.line for r in report.rejections}) == report.rejected_rows


# --- 1. Hash IDs are not scientific notation ---------------------------------------------------

# md5 and sha1 digests whose only letter is "e", recomputed here from their inputs.
HASHED = {
    ("md5", "lead-244658"): "5e3253728743794e868e7382266e2868",
    ("md5", "lead-423144"): "8233e01769e989464431553261030911",
    ("md5", "lead-474863"): "7121549e535025289176626e505248e8",
    ("sha1", "lead-1547980"): "5619735448292166e54651962743e6244ee97600",
    ("sha1", "lead-3569772"): "42609830868104326e96e027e2e2109905856959",
}
# The lead a public CRM export lost: one "e" between digits.
CRM_HASH = "401013266745e5661589292315434968"


def test_hex_hash_ids_made_of_digits_and_e_are_imported(tmp_path, capsys):
    ids = []
    for (algorithm, text), digest in HASHED.items():
        assert hashlib.new(algorithm, text.encode()).hexdigest() == digest
        assert set(digest) <= set("0123456789e") and "e" in digest
        ids.append(digest)
    ids.append(CRM_HASH)
    src = tmp_path / "hashes.csv"
    src.write_text("lead_id,owner\n" + "".join(f"{i},ana\n" for i in ids), encoding="utf-8")
    code, out, _ = cli(capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--lang", "en")
    assert code == 0, out
    assert "6 rows read, 6 inserted" in out
    assert stored(tmp_path / "f.duckdb") == sorted((i, "ana") for i in ids)


def test_rounded_ids_among_other_ids_are_refused_with_their_line(tmp_path):
    src = tmp_path / "rounded.csv"
    src.write_text(
        "lead_id,owner\n"
        "401013266745256615892923154349,ana\n"
        '"4,01013E+31",bea\n'
        "401013266745256615892923154350,carl\n"
        "1.23E+15,dani\n"
        "1E+15,eva\n"
        "401013266745256615892923154351,fer\n"
        "401013266745256615892923154352,gil\n"
        "401013266745256615892923154353,hugo\n",
        encoding="utf-8",
    )
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM, accept_valid=True)
    assert [(r.line, r.value, r.reason) for r in report.rejections] == [
        (3, "4,01013E+31", "scientific"),
        (5, "1.23E+15", "scientific"),
        (6, "1E+15", "scientific"),
    ]
    every_record_is_accounted_for(report, src)
    owners = [owner for _, owner in stored(tmp_path / "f.duckdb")]
    assert owners == ["ana", "carl", "fer", "gil", "hugo"]


def test_ids_that_all_share_the_notation_are_the_columns_format(tmp_path):
    src = tmp_path / "codes.csv"
    src.write_text("lead_id,owner\n1.5E+3,ana\n2.5E+3,bea\n3.5E-2,carl\n", encoding="utf-8")
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert report.rejected_rows == 0 and report.inserted == 3


# --- 2. Oversized records ------------------------------------------------------------------------


def test_a_33_mb_cell_is_rejected_with_its_line_not_dropped(tmp_path, capsys):
    src = tmp_path / "long.csv"
    src.write_text("lead_id,owner\nL1,ana\nL2," + "x" * 33_000_000 + "\nL3,bea\n", encoding="utf-8")
    out, leads, report = import_with_one_rejection(capsys, src, tmp_path)
    assert "3 rows read, 2 inserted, 0 updated, 0 unchanged, 1 rejected" in out
    assert "line 3, column ''" in out and "row longer than 16 MB" in out
    assert leads == [("L1", "ana"), ("L3", "bea")]
    assert [(r.line, r.reason) for r in report.rejections] == [(3, "too_long")]
    assert len(report.rejections[0].value) < 1000, "the report names the row, not its 33 MB"


def test_an_oversized_quoted_cell_with_line_breaks_yields_no_invented_rows(tmp_path):
    # The cell's lines look like rows ("x,y"): a reader that gives up inside it would import them.
    cell = "x,y\n" * (MAX_RECORD_BYTES // 4 + 1000)
    src = tmp_path / "multi.csv"
    src.write_text(f'lead_id,owner\nL1,ana\nL2,"{cell}"\nL3,bea\n', encoding="utf-8")
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM, accept_valid=True)
    every_record_is_accounted_for(report, src)
    assert [(r.line, r.reason) for r in report.rejections] == [(3, "too_long")]
    assert stored(tmp_path / "f.duckdb") == [("L1", "ana"), ("L3", "bea")]


def test_a_mapped_value_longer_than_a_cell_can_be_is_rejected(tmp_path):
    src = tmp_path / "cell.csv"
    src.write_text(
        "lead_id,owner\nL1,ana\nL2,"
        + "é" * (MAX_CELL_CHARS + 1)
        + f"\nL3,{'ñ' * MAX_CELL_CHARS}\n",
        encoding="utf-8",
    )
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM, accept_valid=True)
    assert [(r.line, r.field, r.reason) for r in report.rejections] == [
        (3, "owner", "too_long_value")
    ]
    assert "32,767" in report.rejections[0].text("en")
    assert stored(tmp_path / "f.duckdb", "SELECT lead_id, length(owner) FROM leads ORDER BY 1") == [
        ("L1", 3),
        ("L3", MAX_CELL_CHARS),
    ]


def test_a_header_line_longer_than_a_record_is_refused_in_one_line(tmp_path, capsys):
    src = tmp_path / "one_line.csv"
    src.write_bytes(b"lead_id," + b"y" * (MAX_RECORD_BYTES + 1024))
    code, out, err = cli(capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--lang", "en")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "header" in err and "16 MB" in err


def test_a_single_data_line_bigger_than_a_record_is_rejected_not_read_as_nothing(tmp_path, capsys):
    # The shape of the 1 GB one-line export: one record, no line break at the end of the file.
    src = tmp_path / "one_record.csv"
    src.write_bytes(b"lead_id,owner\nL1," + b"y" * (MAX_RECORD_BYTES + 1024))
    out, leads, report = import_with_one_rejection(capsys, src, tmp_path)
    assert "1 rows read, 0 inserted, 0 updated, 0 unchanged, 1 rejected" in out
    assert "line 2, column ''" in out
    assert leads == []


@pytest.mark.parametrize("tail", ["short", "bigger than a record"])
def test_a_quote_that_never_closes_is_rejected_with_its_line(tmp_path, capsys, tail):
    # Everything after the opening quote is one cell to the end of the file: one record.
    size = 10 if tail == "short" else MAX_RECORD_BYTES + 1024
    rest = "".join(f"M{i},x\n" for i in range(size // 6 + 1))
    src = tmp_path / "open_quote.csv"
    src.write_text(f'lead_id,owner\nL1,ana\nL2,bea\nL3,"Pe\n{rest}', encoding="utf-8")
    out, leads, report = import_with_one_rejection(capsys, src, tmp_path)
    assert "3 rows read, 2 inserted, 0 updated, 0 unchanged, 1 rejected" in out
    assert "line 4, column ''" in out and "never closes" in out
    assert leads == [("L1", "ana"), ("L2", "bea")]
    assert [(r.line, r.reason) for r in report.rejections] == [(4, "unclosed_quote")]


def test_an_unclosed_quote_after_a_stray_one_is_still_rejected_with_its_line(tmp_path):
    # Two quote characters in all (an even count): a stray one in an unquoted cell, and one
    # that opens a cell never closed. The last record must still be reported, not vanish.
    src = tmp_path / "stray_then_open.csv"
    text = 'lead_id,owner\nL1,ana 27" screen\nL2,bea\nL3,"Pe\nM1,x\nM2,y\n'
    src.write_text(text, encoding="utf-8")
    assert text.count('"') == 2
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM, dry_run=True)
    every_record_is_accounted_for(report, src)
    assert [(r.line, r.reason) for r in report.rejections] == [(4, "unclosed_quote")]


def test_a_cell_spanning_lines_is_not_taken_for_an_unclosed_quote(tmp_path):
    # More lines of text than records: nothing is refused for it.
    src = tmp_path / "multi_line.csv"
    src.write_text('lead_id,owner\nL1,"ana\nsecond line"\nL2,bea\n', encoding="utf-8")
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    every_record_is_accounted_for(report, src)
    assert report.rejections == [] and report.rows_read == 2


def test_quotes_inside_unquoted_cells_are_kept_as_text(tmp_path):
    # An odd number of quote characters that closes nothing: no row is refused for it.
    src = tmp_path / "inches.csv"
    src.write_text('lead_id,owner\nL1,ana 27" screen\nL2,bea\n', encoding="utf-8")
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    every_record_is_accounted_for(report, src)
    assert stored(tmp_path / "f.duckdb") == [("L1", 'ana 27" screen'), ("L2", "bea")]


# --- 3. Encodings and NUL bytes ----------------------------------------------------------------


def mixed_file(path, lines: int, odd_every: int, usual: str, odd: str) -> list[str]:
    """`lines` owners, every `odd_every`-th line in the `odd` encoding; returns the odd ids."""
    odd_ids, body = [], [b"lead_id,owner\n"]
    for i in range(lines):
        encoding = odd if i % odd_every == odd_every - 1 else usual
        if encoding == odd:
            odd_ids.append(f"L{i:05d}")
        body.append(f"L{i:05d},José Peña {i}\n".encode(encoding))
    path.write_bytes(b"".join(body))
    return odd_ids


def test_latin1_lines_in_a_utf8_file_are_refused_with_their_lines(tmp_path, capsys):
    src = tmp_path / "mostly_utf8.csv"
    # Far past any sample: 20,000 lines, every 50th written as Latin-1.
    odd = mixed_file(src, 20_000, 50, "utf-8", "latin-1")
    db = tmp_path / "f.duckdb"
    code, out, _ = cli(capsys, "leads", src, "--db", db, "--lang", "en", "--accept-valid")
    assert code == 0
    assert "20000 rows read, 19600 inserted, 0 updated, 0 unchanged, 400 rejected" in out
    assert "line 51, column ''" in out and "not UTF-8 like the rest of the file" in out
    owners = stored(db)
    assert len(owners) == 19_600 and not any("Ã" in owner for _, owner in owners)
    assert {lead for lead, _ in owners}.isdisjoint(odd)
    report = run_import(tmp_path / "g.duckdb", "leads", src, SYSTEM, dry_run=True)
    assert [r.line for r in report.rejections] == [int(i[1:]) + 2 for i in odd]
    every_record_is_accounted_for(report, src)


def test_utf8_lines_in_a_latin1_file_are_refused_not_mojibaked(tmp_path):
    src = tmp_path / "mostly_latin1.csv"
    odd = mixed_file(src, 3_000, 10, "latin-1", "utf-8")
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM, accept_valid=True)
    assert report.mixed_encoding == "utf-8"
    assert {r.reason for r in report.rejections} == {"encoding_utf8"}
    assert [r.line for r in report.rejections] == [int(i[1:]) + 2 for i in odd]
    assert report.rejections[0].column == "owner"
    owners = stored(tmp_path / "f.duckdb")
    assert len(owners) == 2_700
    assert all(owner.startswith("José Peña ") for _, owner in owners)
    every_record_is_accounted_for(report, src, encoding="latin-1")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("latin1", "lead_id;owner\nL1;José\nL2;Begoña\n".encode("latin-1")),
        ("utf8_bom", "\ufefflead_id,owner\nL1,José\nL2,Begoña\n".encode()),
        ("utf16", "lead_id\towner\nL1\tJosé\nL2\tBegoña\n".encode("utf-16")),
    ],
)
def test_files_in_one_encoding_read_as_before(tmp_path, name, data):
    src = tmp_path / f"{name}.csv"
    src.write_bytes(data)
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert (report.rows_read, report.rejected_rows, report.mixed_encoding) == (2, 0, None)
    assert stored(tmp_path / "f.duckdb") == [("L1", "José"), ("L2", "Begoña")]


@pytest.mark.parametrize("position", ["near the top", "past the sample"])
def test_nul_bytes_are_refused_with_their_line_never_stored(tmp_path, position):
    filler = 10 if position == "near the top" else 30_000
    lines = [f"L{i:05d},owner {i}" for i in range(filler)]
    lines.insert(filler // 2, "LNUL,b\x00ob")
    src = tmp_path / "nul.csv"
    src.write_bytes(("lead_id,owner\n" + "\n".join(lines) + "\n").encode())
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM, accept_valid=True)
    assert [(r.line, r.column, r.reason) for r in report.rejections] == [
        (filler // 2 + 2, "owner", "nul_byte")
    ]
    every_record_is_accounted_for(report, src)
    assert stored(
        tmp_path / "f.duckdb", "SELECT count(*) FROM leads WHERE contains(owner, chr(0))"
    )[0] == (0,)
    assert stored(tmp_path / "f.duckdb", "SELECT count(*) FROM leads")[0] == (filler,)


# --- 12. The rejects file runs no formula ------------------------------------------------------

# The last one: a bare CR inside a cell must not start a row whose first cell is "=1+1".
FORMULAS = ["-2+3+cmd|' /C calc'!A0", "=1+1", "+SUM(A1)", "@SUM(1)", "\t=1", "\r=1", "ok\r=1+1"]


def test_every_cell_of_the_rejects_file_is_neutralised(tmp_path, capsys):
    header = ["lead_id", '=HYPERLINK("http://x")', "-2+3+cmd|' /C calc'!A0"]
    body = [[f"L{i}", value, value] for i, value in enumerate(FORMULAS)]
    src = tmp_path / "f.csv"
    with src.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *body])
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        'table = "leads"\n[columns]\nlead_id = "lead_id"\n'
        'icp_tier = "=HYPERLINK(\\"http://x\\")"\ncreated_at = "-2+3+cmd|\' /C calc\'!A0"\n',
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    code, _, err = cli(
        capsys, "leads", src, "--db", tmp_path / "d.duckdb", "--mapping", mapping,
        "--rejects", rejects,
    )  # fmt: skip
    assert code == 2, err
    with rejects.open(newline="", encoding="utf-8") as handle:
        listed = list(csv.reader(handle))
    cells = [cell for row in listed for cell in row]
    assert len(listed) == 1 + 2 * len(FORMULAS)
    assert not [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)]
    assert {row[1] for row in listed[1:]} == {"'" + header[1], "'" + header[2]}
    assert sorted(row[3] for row in listed[1:] if not row[3].startswith("'")) == ["ok\r=1+1"] * 2


# --- 15. One line, never a traceback -----------------------------------------------------------


def test_a_200_kb_field_in_the_sniffed_sample_is_read(tmp_path):
    src = tmp_path / "wide_field.csv"
    src.write_text('lead_id;notes\nL1;"' + "n" * 200_000 + '"\nL2;ok\n', encoding="utf-8")
    report = run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert (report.rows_read, report.inserted) == (2, 2)


def test_a_100000_column_header_is_refused_in_one_line(tmp_path, capsys):
    src = tmp_path / "columns.csv"
    src.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + "1," * 99_999 + "1\n")
    code, out, err = cli(capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--lang", "en")
    assert code == 1 and out == ""
    assert err == f"error: {src} has 100000 columns; the most an import reads is {MAX_COLUMNS}.\n"


@pytest.mark.parametrize(
    ("toml", "code"),
    [
        ('table = "leads"\nx = ' + "[" * 3000 + "]" * 3000 + "\n", "mapping_syntax"),
        (
            'table = "leads"\n[source]\ndelimiter = ",,,,"\n[columns]\nlead_id = "id"\n',
            "bad_delimiter",
        ),
        (
            'table = "leads"\n[source]\ndelimiter = "\\""\n[columns]\nlead_id = "id"\n',
            "bad_delimiter",
        ),
    ],
    ids=["nested-3000-deep", "four-commas", "quote"],
)
def test_hostile_mapping_files_give_one_translated_line(tmp_path, capsys, toml, code):
    mapping = tmp_path / "m.toml"
    mapping.write_text(toml, encoding="utf-8")
    with pytest.raises(MappingError) as error:
        load_mapping(mapping)
    assert error.value.code == code
    for lang in ("es", "en"):
        message = error_message(error.value, lang)
        assert "{" not in message and "\n" not in message
    src = tmp_path / "l.csv"
    src.write_text("id\nL1\n", encoding="utf-8")
    status, out, err = cli(
        capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--mapping", mapping
    )
    assert status == 1 and out == "" and err.count("\n") == 1 and err.startswith("error: ")


def test_a_300_character_mapping_name_is_refused_on_save_and_load(tmp_path):
    mapping = Mapping("leads", columns={"lead_id": ["id"]})
    with pytest.raises(MappingError) as error:
        save_mapping(tmp_path, "m" * 300, mapping)
    assert error.value.code == "long_name"
    assert "300" in error_message(error.value, "en")
    assert save_mapping(tmp_path, "m" * 100, mapping).exists()
    with pytest.raises(MappingError) as error:
        load_mapping(tmp_path / ("m" * 300 + ".toml"))
    assert error.value.code == "mapping_unreadable"
    assert "\n" not in error_message(error.value, "es")


def test_hostile_inputs_never_print_a_traceback(tmp_path):
    src = tmp_path / "columns.csv"
    src.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "kpi", "import", "leads", str(src), "--db", str(tmp_path / "f.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_json_report_lists_every_refused_row_with_accept_valid(tmp_path, capsys):
    src = tmp_path / "mixed.csv"
    src.write_bytes(
        b"lead_id,owner\nL1,ana\nL2,b\x00b\n401013266745e5661589292315434968,hash\n"
        + "L4,Jos\u00e9\n".encode("latin-1")
        + "L5,Jos\u00e9\n".encode()
        + b"L6,"
        + b"z" * (MAX_RECORD_BYTES + 1)
        + b"\nL7,eva\n"
    )
    code, out, _ = cli(
        capsys, "leads", src, "--db", tmp_path / "f.duckdb", "--format", "json", "--accept-valid"
    )
    assert code == 0
    report = json.loads(out)
    assert [(r["line"], r["reason"]) for r in report["rejections"]] == [
        (3, "nul_byte"),
        (5, "encoding"),
        (7, "too_long"),
    ]
    assert (report["rows_read"], report["inserted"], report["rejected_rows"]) == (7, 4, 3)
    leads = {lead for lead, _ in stored(tmp_path / "f.duckdb")}
    assert leads == {"L1", "401013266745e5661589292315434968", "L5", "L7"}


def test_rejects_file_records_are_readable_by_the_csv_module(tmp_path):
    src = tmp_path / "l.csv"
    src.write_text("lead_id,icp_tier\nL1,Q\n", encoding="utf-8")
    rejects = tmp_path / "r.csv"
    run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM, rejects_csv=rejects)
    rows = list(csv.DictReader(io.StringIO(rejects.read_text(encoding="utf-8"))))
    assert [(r["line"], r["column"], r["value"], r["reason"]) for r in rows] == [
        ("2", "icp_tier", "Q", "bad_tier")
    ]


def test_unreadable_inputs_keep_their_codes(tmp_path):
    src = tmp_path / "bin.csv"
    src.write_bytes(b"lead\x00id,owner\nL1,ana\n")
    with pytest.raises(IngestError) as error:
        run_import(tmp_path / "f.duckdb", "leads", src, SYSTEM)
    assert error.value.code == "binary"
