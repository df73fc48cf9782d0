"""Import mappings: canonical fields per table, TOML mapping files, presets and header detection."""

import json
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

# Field kinds drive validation and conversion in kpi.ingest.importer (one SQL expression per kind).
FIELDS: dict[str, dict[str, str]] = {
    "leads": {
        "lead_id": "id",
        "created_at": "timestamp",
        "channel": "text",
        "campaign": "text",
        "icp_tier": "tier",
        "owner": "text",
        "mql_at": "timestamp",
        "accepted_at": "timestamp",
        "rejected_at": "timestamp",
        "rejection_reason": "text",
        "sql_at": "timestamp",
        "first_response_at": "timestamp",
    },
    "deals": {
        "deal_id": "id",
        "lead_id": "ref",
        "created_at": "timestamp",
        "channel": "text",
        "icp_tier": "tier",
        "owner": "text",
        "stage": "stage",
        "closed_at": "timestamp",
        "amount": "money",
        "delivery_cost": "money",
        "value_delivered_at": "timestamp",
        "nps_score": "score",
        "reworked": "bool",
    },
    "spend": {"month": "month", "channel": "id", "amount": "money"},
}
TARGET_TABLES = {"leads": "leads", "deals": "deals", "spend": "marketing_spend"}
KEYS = {"leads": ("lead_id",), "deals": ("deal_id",), "spend": ("month", "channel")}
# A new row cannot exist without these (the schema declares them NOT NULL).
REQUIRED_FOR_INSERT = {"leads": (), "deals": ("stage",), "spend": ("amount",)}
TABLES = tuple(FIELDS)

PRESETS_DIR = Path(__file__).resolve().parent / "presets"

SOURCE_OPTIONS = ("date_format", "decimal", "thousands", "delimiter", "encoding", "sheet")
DELIMITER_ALIASES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
# A saved mapping's name becomes a file name: well below the file system's 255 bytes.
MAPPING_NAME_MAX = 100


def delimiter_char(value: str) -> str | None:
    """The one character a `delimiter` option names ("tab", ";"...), or None if it names none."""
    char = DELIMITER_ALIASES.get(value.lower(), value)
    return char if len(char) == 1 and char not in '"\r\n' else None


class IngestError(ValueError):
    """Input an import cannot use at all; `code` selects the translated one-line message."""

    def __init__(self, code: str, **params):
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


class MappingError(IngestError):
    """A mapping file or preset that cannot be applied to this table or file."""


@dataclass
class Mapping:
    """How one source file maps onto a canonical table (DESIGN §7)."""

    table: str
    columns: dict[str, list[str]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    # Presets list every column a CRM may export; a user's own file names exactly its columns.
    lenient: bool = False

    def validate(self) -> "Mapping":
        if self.table not in FIELDS:
            raise MappingError("unknown_table", table=self.table, valid=", ".join(TABLES))
        fields = FIELDS[self.table]
        for name in [*self.columns, *self.constants, *self.values]:
            if name not in fields:
                raise MappingError(
                    "unknown_field", field=name, table=self.table, valid=", ".join(fields)
                )
        both = set(self.columns) & set(self.constants)
        if both:
            raise MappingError("column_and_constant", field=", ".join(sorted(both)))
        for name in self.source:
            if name not in SOURCE_OPTIONS:
                raise MappingError("unknown_option", option=name, valid=", ".join(SOURCE_OPTIONS))
        decimal = self.source.get("decimal")
        if decimal is not None and decimal not in (".", ","):
            raise MappingError("bad_decimal", value=decimal)
        delimiter = self.source.get("delimiter")
        if delimiter is not None and delimiter_char(delimiter) is None:
            raise MappingError("bad_delimiter", value=delimiter[:20])
        return self


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def mapping_from_dict(data: dict, *, lenient: bool = False, table: str | None = None) -> Mapping:
    columns: dict[str, list[str]] = {}
    for name, source in (data.get("columns") or {}).items():
        names = source if isinstance(source, list) else [source]
        columns[name] = [str(n) for n in names if str(n).strip()]
    values = {
        name: {_as_text(k): _as_text(v) for k, v in (table_map or {}).items()}
        for name, table_map in (data.get("values") or {}).items()
    }
    mapping = Mapping(
        table=str(data.get("table") or table or ""),
        columns={k: v for k, v in columns.items() if v},
        constants={k: _as_text(v) for k, v in (data.get("constants") or {}).items()},
        values=values,
        source={k: _as_text(v) for k, v in (data.get("source") or {}).items()},
        lenient=lenient,
    )
    if table and mapping.table != table:
        raise MappingError("table_mismatch", mapping=mapping.table, requested=table)
    return mapping.validate()


def load_mapping(path: Path | str, *, table: str | None = None, lenient: bool = False) -> Mapping:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError("mapping_missing", path=str(path)) from None
    except OSError as exc:  # a folder, no permission, a name too long for the file system
        raise MappingError(
            "mapping_unreadable", path=str(path), detail=exc.strerror or type(exc).__name__
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError("mapping_syntax", path=str(path), detail=str(exc)) from None
    except RecursionError:  # tomllib recurses once per nested array or table
        raise MappingError("mapping_syntax", path=str(path), detail="nested too deeply") from None
    return mapping_from_dict(data, lenient=lenient, table=table)


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))


def preset_table(name: str) -> str:
    return load_preset(name).table


def load_preset(name: str, table: str | None = None) -> Mapping:
    if name not in preset_names():
        raise MappingError("unknown_preset", preset=name, valid=", ".join(preset_names()))
    return load_mapping(PRESETS_DIR / f"{name}.toml", table=table, lenient=True)


def _toml_string(text: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(text, ensure_ascii=False)


def mapping_to_toml(mapping: Mapping) -> str:
    lines = [f"table = {_toml_string(mapping.table)}"]
    if mapping.source:
        lines += ["", "[source]"]
        lines += [f"{k} = {_toml_string(v)}" for k, v in mapping.source.items()]
    lines += ["", "[columns]"]
    for name, sources in mapping.columns.items():
        value = (
            _toml_string(sources[0])
            if len(sources) == 1
            else "[" + ", ".join(_toml_string(s) for s in sources) + "]"
        )
        lines.append(f"{name} = {value}")
    if mapping.constants:
        lines += ["", "[constants]"]
        lines += [f"{k} = {_toml_string(v)}" for k, v in mapping.constants.items()]
    for name, table_map in mapping.values.items():
        if table_map:
            lines += ["", f"[values.{name}]"]
            lines += [f"{_toml_string(k)} = {_toml_string(v)}" for k, v in table_map.items()]
    return "\n".join(lines) + "\n"


SAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")


def saved_mappings(folder: Path | str) -> list[str]:
    folder = Path(folder)
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def save_mapping(folder: Path | str, name: str, mapping: Mapping) -> Path:
    """Write `mapping` as `<folder>/<name>.toml`; the name is reduced to safe characters."""
    safe = SAFE_NAME.sub("_", name.strip()).strip("_")
    if not safe:
        raise MappingError("bad_name", name=name[:MAPPING_NAME_MAX])
    if len(safe) > MAPPING_NAME_MAX:
        raise MappingError("long_name", length=len(safe), limit=MAPPING_NAME_MAX)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{safe}.toml"
    path.write_text(mapping_to_toml(mapping.validate()), encoding="utf-8")
    return path


def normalise_header(text: str) -> str:
    """Lower case, no accents, punctuation as single spaces: 'Fecha de creación' -> 'fecha de creacion'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


# Header synonyms in English, Spanish and Portuguese, most specific first; matched after
# normalise_header, so accents, case and punctuation do not matter.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "leads": {
        "lead_id": (
            "lead id",
            "id lead",
            "id del lead",
            "id do lead",
            "id de lead",
            "mql id",
            "id mql",
            "contact id",
            "id contacto",
            "id contato",
            "record id",
            "id registro",
            "lead",
            "id",
        ),
        "created_at": (
            "created at",
            "create date",
            "created date",
            "creation date",
            "date created",
            "lead created",
            "first contact date",
            "fecha de creacion",
            "fecha creacion",
            "fecha alta",
            "fecha de alta",
            "creado",
            "data de criacao",
            "data criacao",
            "criado em",
            "data do primeiro contato",
            "fecha primer contacto",
            "created",
        ),
        "channel": (
            "channel",
            "canal",
            "origin",
            "origen",
            "origem",
            "lead source",
            "source",
            "fuente",
            "fonte",
            "original source",
            "fuente original",
            "fonte original",
        ),
        "campaign": ("campaign", "campana", "campanha", "utm campaign", "landing page id"),
        "icp_tier": (
            "icp tier",
            "icp",
            "tier",
            "nivel icp",
            "segmento icp",
            "ideal customer profile tier",
        ),
        "owner": (
            "owner",
            "lead owner",
            "contact owner",
            "propietario",
            "responsable",
            "comercial",
            "vendedor",
            "dono",
            "proprietario",
            "responsavel",
            "sdr",
            "sdr id",
        ),
        "mql_at": (
            "mql at",
            "mql date",
            "fecha mql",
            "data mql",
            "became a marketing qualified lead date",
            "marketing qualified date",
        ),
        "accepted_at": ("accepted at", "accepted date", "fecha aceptacion", "data de aceitacao"),
        "rejected_at": ("rejected at", "rejected date", "fecha rechazo", "data de rejeicao"),
        "rejection_reason": (
            "rejection reason",
            "motivo rechazo",
            "motivo de rechazo",
            "motivo de rejeicao",
        ),
        "sql_at": (
            "sql at",
            "sql date",
            "fecha sql",
            "data sql",
            "became a sales qualified lead date",
            "converted date",
        ),
        "first_response_at": (
            "first response at",
            "first response date",
            "first contacted",
            "primera respuesta",
            "fecha primera respuesta",
            "primeira resposta",
            "data da primeira resposta",
        ),
    },
    "deals": {
        "deal_id": (
            "opportunity id",
            "id oportunidad",
            "id de oportunidad",
            "id oportunidade",
            "id negocio",
            "id do negocio",
            "deal id",
            "record id",
            "id",
        ),
        "lead_id": (
            "lead id",
            "mql id",
            "id lead",
            "id del lead",
            "id do lead",
            "contact id",
            "associated contact ids",
        ),
        "created_at": (
            "created at",
            "create date",
            "created date",
            "creation date",
            "engage date",
            "deal created",
            "add time",
            "fecha de creacion",
            "fecha creacion",
            "data de criacao",
            "data criacao",
            "created",
        ),
        "channel": ("channel", "canal", "lead source", "origin", "origen", "origem", "source"),
        "icp_tier": ("icp tier", "icp", "tier", "nivel icp", "segmento icp"),
        "owner": (
            "owner",
            "deal owner",
            "opportunity owner",
            "sales agent",
            "seller id",
            "sr id",
            "propietario",
            "comercial",
            "vendedor",
            "responsable",
            "dono",
            "responsavel",
        ),
        "stage": (
            "stage",
            "deal stage",
            "status",
            "etapa",
            "estado",
            "fase",
            "estagio",
            "situacao",
        ),
        "closed_at": (
            "closed at",
            "close date",
            "won date",
            "closed date",
            "fecha de cierre",
            "fecha cierre",
            "fecha ganado",
            "data de fechamento",
            "data fechamento",
            "data de ganho",
        ),
        "amount": (
            "amount",
            "close value",
            "value",
            "deal value",
            "importe",
            "valor",
            "monto",
            "cantidad",
            "valor do negocio",
            "revenue",
            "ingresos",
            "receita",
        ),
        "delivery_cost": (
            "delivery cost",
            "coste de entrega",
            "costo de entrega",
            "custo de entrega",
        ),
        "value_delivered_at": (
            "value delivered at",
            "delivered at",
            "delivery date",
            "fecha de entrega",
            "data de entrega",
        ),
        "nps_score": ("nps score", "nps", "puntuacion nps", "nota nps"),
        "reworked": ("reworked", "rework", "retrabajo", "retrabalho"),
    },
    "spend": {
        "month": ("month", "mes", "periodo", "period", "fecha", "data", "date"),
        "channel": ("channel", "canal", "source", "fuente", "fonte", "origen", "origem"),
        "amount": (
            "amount",
            "spend",
            "cost",
            "gasto",
            "inversion",
            "coste",
            "costo",
            "custo",
            "investimento",
            "importe",
            "valor",
        ),
    },
}


def detect_columns(table: str, headers: list[str]) -> dict[str, list[str]]:
    """Guess `[columns]` from the file's headers; each header is used for at most one field."""
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    taken: set[str] = set()
    found: dict[str, list[str]] = {}
    # Exact canonical names win over synonyms, so a file already in our format maps to itself.
    for name in FIELDS[table]:
        header = by_norm.get(normalise_header(name))
        if header is not None:
            found[name] = [header]
            taken.add(header)
    for name, synonyms in SYNONYMS[table].items():
        if name in found:
            continue
        for synonym in synonyms:
            header = by_norm.get(synonym)
            if header is not None and header not in taken:
                found[name] = [header]
                taken.add(header)
                break
    return {name: found[name] for name in FIELDS[table] if name in found}


def resolve_columns(mapping: Mapping, headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Canonical field -> header index; the second item lists preset columns not in the file."""
    exact = {h: i for i, h in reversed(list(enumerate(headers)))}
    loose = {normalise_header(h): i for i, h in reversed(list(enumerate(headers)))}
    duplicated = {h for h in headers if headers.count(h) > 1}
    resolved: dict[str, int] = {}
    skipped: list[str] = []
    for name, candidates in mapping.columns.items():
        index = None
        for candidate in candidates:
            if candidate in duplicated:
                raise MappingError("duplicate_header", column=candidate)
            index = exact.get(candidate, loose.get(normalise_header(candidate)))
            if index is not None:
                break
        if index is None:
            if mapping.lenient:
                skipped.append(name)
                continue
            raise MappingError(
                "column_missing",
                column=" | ".join(candidates),
                field=name,
                available=", ".join(headers[:30]),
            )
        resolved[name] = index
    present = set(resolved) | set(mapping.constants)
    missing = [k for k in KEYS[mapping.table] if k not in present]
    if missing:
        raise MappingError(
            "key_unmapped", field=", ".join(missing), available=", ".join(headers[:30])
        )
    return resolved, skipped
