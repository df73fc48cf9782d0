"""Which file column feeds which canonical field: header synonyms, detection and resolution."""

import re
import tomllib
import unicodedata
from pathlib import Path

from kpi.ingest.fields import FIELDS, KEYS
from kpi.ingest.mapping import Mapping, MappingError


def normalise_header(text: str) -> str:
    """Lower case, no accents, punctuation as single spaces: 'Fecha de creación' -> 'fecha de creacion'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


def _synonyms() -> dict[str, dict[str, tuple[str, ...]]]:
    text = (Path(__file__).parent / "header_synonyms.toml").read_text(encoding="utf-8")
    return {
        table: {name: tuple(synonyms) for name, synonyms in fields.items()}
        for table, fields in tomllib.loads(text).items()
    }


# Header synonyms per table and field, most specific first (data: header_synonyms.toml); matched
# after normalise_header, so accents, case and punctuation do not matter.
SYNONYMS = _synonyms()


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
