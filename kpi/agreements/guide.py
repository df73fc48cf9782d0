"""The qualification guide: MQL, SQL and disqualification criteria and the catalogue of rejection
reasons, versioned; imported rejection reasons map onto the catalogue by name or alias."""

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from kpi.access.roles import Actor
from kpi.agreements import versions
from kpi.agreements.versions import Approval
from kpi.errors import LONG_TEXT_MAX, SHORT_TEXT_MAX, InvalidInput, TextField, TextRefused
from kpi.store.database import Store
from kpi.store.settings import get_settings

DOCUMENT = "qualification_guide"
CRITERIA = {
    key: TextField(f"agreements.guide.{key}", LONG_TEXT_MAX, multiline=True)
    for key in ("mql_criteria", "sql_criteria", "disqualification")
}
REASON = TextField("agreements.guide.reason", SHORT_TEXT_MAX)
ALIAS = TextField("agreements.guide.aliases", SHORT_TEXT_MAX)
MAX_REASONS = 40
# A starting catalogue an admin edits before the first approval.
DEFAULT_REASONS = (
    ("Fuera de ICP", ("no icp", "not icp", "fuera de perfil")),
    ("Sin presupuesto", ("budget", "no budget", "presupuesto")),
    ("Sin necesidad", ("no need", "no interest", "sin interés")),
    ("Contacto inválido", ("datos de contacto erróneos", "invalid contact", "bad data")),
    ("Duplicado", ("duplicate",)),
    ("Competidor o estudiante", ("competitor", "student")),
)
DEFAULT_DISQUALIFICATION = (
    "Fuera del ICP (tamaño o sector), sin presupuesto ni plazo, datos de contacto inválidos, "
    "duplicado de un lead abierto, competidor o estudiante."
)


@dataclass(frozen=True)
class Reason:
    """One rejection reason of the catalogue and the imported spellings that mean it."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guide:
    """One version of the guide (version 0: the defaults, never approved)."""

    mql_criteria: str
    sql_criteria: str
    disqualification: str
    reasons: tuple[Reason, ...]
    approval: Approval | None = None

    @property
    def version(self) -> int:
        return self.approval.version if self.approval else 0

    def match(self, imported: str) -> Reason | None:
        """The catalogue reason an imported reason means (by name or alias), if any."""
        return self._index().get(normalise(imported))

    def _index(self) -> dict[str, Reason]:
        return {
            normalise(spelling): reason
            for reason in self.reasons
            for spelling in (reason.name, *reason.aliases)
        }


def normalise(text: str) -> str:
    """How two spellings of a reason compare: case, accents and spacing aside."""
    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def _defaults(store: Store) -> Guide:
    # Before any approval the criteria read the common definitions of the settings.
    settings = get_settings(store)
    return Guide(
        settings["definition_mql"],
        settings["definition_sql"],
        DEFAULT_DISQUALIFICATION,
        tuple(Reason(name, aliases) for name, aliases in DEFAULT_REASONS),
    )


def _from_row(row: dict) -> Guide:
    reasons = tuple(Reason(r["name"], tuple(r["aliases"])) for r in json.loads(row["reasons"]))
    return Guide(
        row["mql_criteria"],
        row["sql_criteria"],
        row["disqualification"],
        reasons,
        versions.approval_of(row),
    )


def current_guide(store: Store) -> Guide:
    """The approved guide in force (the newest version), else the unapproved defaults."""
    row = versions.latest_row(store, DOCUMENT)
    return _from_row(row) if row else _defaults(store)


def clean_reasons(reasons: Any) -> list[dict]:
    """(name, aliases) pairs as stored; each spelling may mean one reason only."""
    cleaned, seen = [], {}
    for index, (name, aliases) in enumerate(reasons):
        name = REASON.clean(name)
        if not name:
            continue
        names = aliases.split(",") if isinstance(aliases, str) else list(aliases or [])
        spellings = list(dict.fromkeys(a for a in (ALIAS.clean(x) for x in names) if a))
        for spelling in (name, *spellings):
            if seen.setdefault(normalise(spelling), index) != index:
                raise InvalidInput("agreements.error.reason_twice", spelling=spelling[:40])
        cleaned.append({"name": name, "aliases": spellings})
    if not cleaned:
        raise TextRefused("error.input.blank", field=REASON.label)
    if len(cleaned) > MAX_REASONS:
        raise InvalidInput("agreements.error.reasons", limit=MAX_REASONS)
    return cleaned


def save_guide(
    store: Store,
    actor: Actor,
    *,
    mql_criteria: Any,
    sql_criteria: Any,
    disqualification: Any,
    reasons: Any,
    approvers: Any,
    approved_on: Any,
    note: Any = "",
) -> Guide:
    """Approve a new version of the qualification guide (admins; audited); returns it."""
    texts = {"mql_criteria": mql_criteria, "sql_criteria": sql_criteria}
    texts["disqualification"] = disqualification
    values = {key: CRITERIA[key].clean(value) for key, value in texts.items()}
    for key, value in values.items():
        if not value:
            raise TextRefused("error.input.blank", field=CRITERIA[key].label)
    values["reasons"] = json.dumps(clean_reasons(reasons), ensure_ascii=False)
    values |= versions.clean_approval(approvers, approved_on, note)
    return _from_row(versions.save_version(store, actor, DOCUMENT, values))


def reason_lines(current: Guide) -> str:
    """The catalogue as people edit it: one reason a line, its aliases after a colon."""
    return "\n".join(
        f"{r.name}: {', '.join(r.aliases)}" if r.aliases else r.name for r in current.reasons
    )


def parse_reason_lines(text: str) -> list[tuple[str, str]]:
    """(name, aliases) pairs from `reason_lines`' format; blank lines are skipped."""
    pairs = []
    for line in str(text or "").splitlines():
        name, _, aliases = line.partition(":")
        if name.strip():
            pairs.append((name, aliases))
    return pairs
