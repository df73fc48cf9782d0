"""Import mappings: the Mapping record, TOML mapping files, presets and saved mappings."""

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kpi.ingest.fields import FIELDS, TABLES

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
