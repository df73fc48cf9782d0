"""Which file column feeds which canonical field: header synonyms, detection and resolution."""

import re
import unicodedata

from kpi.ingest.fields import FIELDS, KEYS
from kpi.ingest.mapping import Mapping, MappingError


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
