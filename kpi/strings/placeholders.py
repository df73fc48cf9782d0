"""What each not-yet-built page will hold (removed as the pages land)."""

STRINGS: dict[str, tuple[str, str]] = {
    "meeting.what": (
        "la agenda cronometrada de 45 minutos y la captura de aprendizajes, bloqueos y acciones.",
        "the 45-minute timed agenda and the capture of learnings, blockers and actions.",
    ),
    "projector.what": (
        "la vista para proyectar: bloque actual, cuenta atrás grande y siguiente bloque.",
        "the projector view: current block, large countdown and next block.",
    ),
    "history.what": (
        "las reuniones anteriores con sus actas y su foto del scorecard.",
        "past meetings with their minutes and scorecard snapshot.",
    ),
    "import.what": (
        "la importación de exports de CRM (CSV/XLSX) con mapeo de columnas e informe de validación.",
        "importing CRM exports (CSV/XLSX) with column mapping and a validation report.",
    ),
}
