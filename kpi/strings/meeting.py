"""Strings of the tracción meeting: agenda, timer, facilitator, projector, history, minutes, brief."""

STRINGS: dict[str, tuple[str, str]] = {
    # default agenda (DESIGN §1)
    "meeting.block.1.name": ("Aterrizar outcomes y definiciones", "Land outcomes and definitions"),
    "meeting.block.1.leader": ("Dirección", "Management"),
    "meeting.block.1.content": (
        "Los 3 outcomes del trimestre y las definiciones comunes (MQL, SQL, ICP).",
        "The quarter's 3 outcomes and the shared definitions (MQL, SQL, ICP).",
    ),
    "meeting.block.2.name": ("Revisar panel", "Review the board"),
    "meeting.block.2.leader": ("Dirección", "Management"),
    "meeting.block.2.content": (
        "MQL→SQL, win rate por ICP, time-to-value, incidencias/NPS; las 3 acciones del sprint "
        "anterior: hechas o no.",
        "MQL→SQL, win rate by ICP, time-to-value, incidents/NPS; last sprint's 3 actions: done "
        "or not.",
    ),
    "meeting.block.3.name": ("Aprendizajes y bloqueos", "Learnings and blockers"),
    "meeting.block.3.leader": (
        "Marketing + Ventas (aprendizajes), Operaciones (bloqueos)",
        "Marketing + Sales (learnings), Operations (blockers)",
    ),
    "meeting.block.3.content": (
        "Qué funcionó y qué no, y por qué; dependencias y riesgos de entrega; causas raíz, no "
        "síntomas.",
        "What worked and what did not, and why; dependencies and delivery risks; root causes, "
        "not symptoms.",
    ),
    "meeting.block.4.name": ("Priorizar y asignar dueños", "Prioritise and assign owners"),
    "meeting.block.4.leader": ("Todos", "Everyone"),
    "meeting.block.4.content": (
        "Matriz esfuerzo-impacto sobre el backlog; dueños.",
        "Effort-impact matrix over the backlog; owners.",
    ),
    "meeting.block.5.name": ("Cerrar", "Close"),
    "meeting.block.5.leader": ("Todos", "Everyone"),
    "meeting.block.5.content": (
        "3 acciones con dueño y definición de hecho; fecha de la próxima revisión.",
        "3 actions with owner and definition of done; date of the next review.",
    ),
    "meeting.default_title": ("Reunión de tracción {date}", "Tracción meeting {date}"),
    # errors
    "meeting.error.minutes": (
        "El bloque «{name}» necesita entre 0 y 180 minutos.",
        "Block “{name}” needs between 0 and 180 minutes.",
    ),
    "meeting.error.no_blocks": (
        "La agenda necesita al menos un bloque con nombre.",
        "The agenda needs at least one named block.",
    ),
    "meeting.error.unknown": (
        "No existe la reunión {meeting_id}.",
        "Meeting {meeting_id} does not exist.",
    ),
    "meeting.error.closed": (
        "La reunión está cerrada: ya no se puede cambiar.",
        "The meeting is closed: it can no longer be changed.",
    ),
    "meeting.error.title": ("El título no puede estar vacío.", "The title may not be empty."),
    "meeting.error.next_review": (
        "La próxima revisión no puede ser anterior a la reunión.",
        "The next review cannot be before the meeting.",
    ),
    "meeting.error.agenda_started": (
        "El cronómetro ya ha empezado: la agenda no se puede cambiar.",
        "The timer has started: the agenda can no longer be changed.",
    ),
    "meeting.error.note_kind": ("Tipo de nota desconocido: {kind}.", "Unknown note kind: {kind}."),
    "meeting.error.note_text": ("Escribe el texto de la nota.", "Write the note's text."),
    "meeting.error.unknown_note": (
        "No existe la nota {note_id}.",
        "Note {note_id} does not exist.",
    ),
    "meeting.error.rating": (
        "La valoración es un número entero de 1 a 10.",
        "The rating is a whole number from 1 to 10.",
    ),
    "meeting.error.not_attendee": (
        "«{name}» no figura entre los asistentes.",
        "“{name}” is not among the attendees.",
    ),
    # timer
    "timer.status.idle": ("Sin empezar", "Not started"),
    "timer.status.running": ("En marcha", "Running"),
    "timer.status.paused": ("En pausa", "Paused"),
    "timer.status.ended": ("Terminada", "Ended"),
    "timer.block": ("Bloque {n}/{total}", "Block {n}/{total}"),
    "timer.leader": ("Dirige", "Led by"),
    "timer.next": ("Siguiente", "Next"),
    "timer.last": ("Último bloque", "Last block"),
    "timer.total": ("Total", "Total"),
    "timer.start": ("Empezar", "Start"),
    "timer.pause": ("Pausar", "Pause"),
    "timer.resume": ("Reanudar", "Resume"),
    "timer.previous": ("Anterior", "Previous"),
    "timer.next_button": ("Siguiente bloque", "Next block"),
    "timer.end": ("Terminar", "End"),
    "timer.jump": ("Ir al bloque", "Go to block"),
    "timer.error.not_started": ("El cronómetro no ha empezado.", "The timer has not started."),
    "timer.error.already_started": (
        "El cronómetro ya ha empezado.",
        "The timer has already started.",
    ),
    "timer.error.ended": ("La reunión ya ha terminado.", "The meeting has already ended."),
    "timer.error.bad_state": (
        "Esa acción no aplica ahora mismo.",
        "That action does not apply right now.",
    ),
    "timer.error.no_next": ("Ya es el último bloque.", "This is already the last block."),
    "timer.error.no_previous": ("Ya es el primer bloque.", "This is already the first block."),
    "timer.error.bad_block": ("Ese bloque no existe.", "That block does not exist."),
    "timer.error.no_blocks": ("La reunión no tiene agenda.", "The meeting has no agenda."),
    "timer.error.unknown_command": ("Orden desconocida.", "Unknown command."),
    "timer.error.conflict": (
        "Otra pantalla acaba de cambiar el cronómetro; se muestra su estado actual.",
        "Another screen has just changed the timer; its current state is shown.",
    ),
}
