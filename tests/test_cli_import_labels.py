"""`kpi import` and the Importar page's helpers speak in words (issue 15 points 15 and 16): the
table by name, presets by name, and a warning for a value spelled like one already stored."""

from ingest_support import write

from kpi.cli.main import main
from kpi.i18n import CATALOGUE
from kpi.ingest.mapping import preset_names, preset_table
from kpi.ingest.uploads import choice_labels
from kpi.store.database import rewrite_facts


def run(capsys, *args):
    code = main(["import", *map(str, args)])
    return code, capsys.readouterr().out


def test_text_report_names_the_table_and_warns_about_a_near_duplicate(tmp_path, capsys):
    db = tmp_path / "f.duckdb"
    with rewrite_facts(db) as con:
        con.execute(
            "INSERT INTO leads (lead_id, channel) VALUES ('S1', 'events'), ('S2', 'events')"
        )
    src = write(tmp_path / "l.csv", "lead_id,channel\nL1,Eventos\nL2,Eventos\nL3,Eventos\n")
    code, out = run(capsys, "leads", src, "--db", db, "--lang", "es")
    assert code == 0
    assert "Leads: 3 filas leídas, 3 nuevas, 0 actualizadas, 0 sin cambios, 0 rechazadas." in out
    assert (
        "Canal: «Eventos» (3 líneas del fichero) se parece a «events», que ya existe "
        "(2 filas guardadas)."
    ) in out
    src = write(tmp_path / "d.csv", "deal_id,stage\nD1,open\n")
    code, out = run(capsys, "deals", src, "--db", db, "--lang", "en", "--dry-run")
    assert out.startswith("Opportunities (deals): 1 rows read, 1 inserted,")


def test_every_preset_is_offered_by_name(tmp_path):
    assert {f"import.preset.name.{n}" for n in preset_names()} <= CATALOGUE.keys()
    labels = choice_labels("deals", tmp_path / "f.duckdb", "es")
    deals = [n for n in preset_names() if preset_table(n) == "deals"]
    assert [labels[f"preset:{n}"] for n in deals] == [
        "HubSpot · negocios",
        "Pipedrive · tratos",
        "Salesforce · oportunidades",
    ]
