"""Strings of the backlog, sprint, outcomes and alignment checklist (issue #6)."""

STRINGS: dict[str, tuple[str, str]] = {
    # quadrants
    "backlog.quadrant.quick_win": ("Quick wins", "Quick wins"),
    "backlog.quadrant.big_bet": ("Grandes apuestas", "Big bets"),
    "backlog.quadrant.fill_in": ("Rellenos", "Fill-ins"),
    "backlog.quadrant.money_pit": ("Pozos sin fondo", "Money pits"),
    "backlog.quadrant.rule": (
        "Impacto alto = 3 o más; esfuerzo alto = 3 o más. Orden: cuadrante, impacto (mayor "
        "primero), esfuerzo (menor primero).",
        "High impact = 3 or more; high effort = 3 or more. Order: quadrant, impact (highest "
        "first), effort (lowest first).",
    ),
    # backlog items
    "backlog.items": ("Backlog priorizado", "Prioritised backlog"),
    "backlog.empty": (
        "El backlog está vacío: crea el primer elemento o conviértelo desde un bloqueo.",
        "The backlog is empty: create the first item or turn a blocker into one.",
    ),
    "backlog.col.id": ("Id", "Id"),
    "backlog.col.title": ("Título", "Title"),
    "backlog.col.description": ("Descripción", "Description"),
    "backlog.col.area": ("Área", "Area"),
    "backlog.col.owner": ("Responsable", "Owner"),
    "backlog.col.effort": ("Esfuerzo", "Effort"),
    "backlog.col.impact": ("Impacto", "Impact"),
    "backlog.col.kpi": ("KPI", "KPI"),
    "backlog.col.expected_effect": ("Efecto esperado", "Expected effect"),
    "backlog.col.status": ("Estado", "Status"),
    "backlog.col.quadrant": ("Cuadrante", "Quadrant"),
    "backlog.col.source_note": ("Nota de origen", "Source note"),
    "backlog.status.open": ("abierto", "open"),
    "backlog.status.in_sprint": ("en sprint", "in sprint"),
    "backlog.status.done": ("hecho", "done"),
    "backlog.status.dropped": ("descartado", "dropped"),
    "backlog.area.marketing": ("Marketing", "Marketing"),
    "backlog.area.sales": ("Ventas", "Sales"),
    "backlog.area.operations": ("Operaciones", "Operations"),
    "backlog.area.management": ("Dirección", "Management"),
    "backlog.create": ("Nuevo elemento del backlog", "New backlog item"),
    "backlog.create.submit": ("Crear elemento", "Create item"),
    "backlog.created": ("Elemento «{title}» creado.", "Item “{title}” created."),
    "backlog.edit.save": ("Guardar cambios de la tabla", "Save table changes"),
    "backlog.edit.saved": ("{count} elementos actualizados.", "{count} items updated."),
    "backlog.edit.none": ("No hay cambios que guardar.", "There are no changes to save."),
    "backlog.readonly": (
        "Solo lectura: tu rol permite ver el backlog y el sprint, no cambiarlos.",
        "Read-only: your role can see the backlog and the sprint, not change them.",
    ),
    "backlog.error.title": ("El título no puede estar vacío.", "The title cannot be empty."),
    "backlog.error.score": (
        "{field}: debe ser un número entero de 1 a 5.",
        "{field}: must be a whole number from 1 to 5.",
    ),
    "backlog.error.status": ("Estado desconocido: {status}.", "Unknown status: {status}."),
    "backlog.error.unknown_item": (
        "No existe el elemento {item_id} del backlog.",
        "Backlog item {item_id} does not exist.",
    ),
    "backlog.error.meeting": (
        "No existe la reunión {meeting_id}.",
        "Meeting {meeting_id} does not exist.",
    ),
    # matrix
    "backlog.matrix.title": ("Matriz esfuerzo-impacto", "Effort-impact matrix"),
    "backlog.matrix.effort": ("Esfuerzo (1–5)", "Effort (1–5)"),
    "backlog.matrix.impact": ("Impacto (1–5)", "Impact (1–5)"),
    "backlog.matrix.help": (
        "Selecciona puntos (clic, mayúsculas+clic para varios) para añadirlos a los candidatos "
        "del sprint.",
        "Select points (click, shift+click for several) to add them to the sprint candidates.",
    ),
    "backlog.matrix.empty": (
        "No hay elementos abiertos que situar.",
        "There are no open items to place.",
    ),
    "backlog.matrix.candidates": ("Candidatos al sprint: {titles}", "Sprint candidates: {titles}"),
    "backlog.matrix.clear": ("Vaciar candidatos", "Clear candidates"),
    # sprint
    "sprint.title": ("Sprint actual: 3 acciones", "Current sprint: 3 actions"),
    "sprint.of_meeting": (
        "Sprint de la reunión «{title}» ({date}); revisión: {review}.",
        "Sprint of meeting “{title}” ({date}); review: {review}.",
    ),
    "sprint.no_meeting": (
        "Sprint de la quincena que empieza el {date} (sin reunión); revisión: {review}.",
        "Sprint of the fortnight starting {date} (no meeting); review: {review}.",
    ),
    "sprint.count": (
        "{count} de {cap} acciones comprometidas.",
        "{count} of {cap} actions committed.",
    ),
    "sprint.empty": ("Aún no hay acciones en este sprint.", "No actions in this sprint yet."),
    "sprint.col.title": ("Acción", "Action"),
    "sprint.col.owner": ("Responsable", "Owner"),
    "sprint.col.done": ("Definición de hecho", "Definition of done"),
    "sprint.col.due": ("Fecha límite", "Due date"),
    "sprint.col.status": ("Estado", "Status"),
    "sprint.col.kpi": ("KPI", "KPI"),
    "sprint.col.carried": ("Arrastrada de", "Carried from"),
    "sprint.status.planned": ("en curso", "in progress"),
    "sprint.status.done": ("hecha", "done"),
    "sprint.status.not_done": ("no hecha", "not done"),
    "sprint.status.carried_over": ("arrastrada", "carried over"),
    "sprint.add": ("Añadir acción al sprint", "Add an action to the sprint"),
    "sprint.add.item": ("Desde el backlog (opcional)", "From the backlog (optional)"),
    "sprint.add.no_item": ("— ninguno —", "— none —"),
    "sprint.add.title": ("Acción (si no viene del backlog)", "Action (if not from the backlog)"),
    "sprint.add.owner": ("Responsable", "Owner"),
    "sprint.add.done": ("Definición de hecho", "Definition of done"),
    "sprint.add.due": ("Fecha límite", "Due date"),
    "sprint.add.kpi": ("KPI vinculado", "Linked KPI"),
    "sprint.add.submit": ("Comprometer acción", "Commit action"),
    "sprint.added": (
        "Acción «{title}» añadida al sprint.",
        "Action “{title}” added to the sprint.",
    ),
    "sprint.full_note": (
        "El sprint ya tiene sus 3 acciones: para añadir otra, termina o arrastra una.",
        "The sprint already has its 3 actions: to add another, finish or carry one over.",
    ),
    "sprint.error.full": (
        "Sprint completo: ya tiene {cap} acciones y no se admite una cuarta. Tres acciones con "
        "dueño y fecha se terminan; más se diluyen.",
        "Sprint full: it already has {cap} actions and a fourth is refused. Three actions with "
        "an owner and a date get finished; more get diluted.",
    ),
    "sprint.error.title": ("La acción necesita un título.", "The action needs a title."),
    "sprint.error.owner": ("La acción necesita un responsable.", "The action needs an owner."),
    "sprint.error.definition_of_done": (
        "La acción necesita una definición de hecho.",
        "The action needs a definition of done.",
    ),
    "sprint.error.due": (
        "La fecha límite no puede ser anterior al inicio del sprint ({start}).",
        "The due date cannot be before the sprint start ({start}).",
    ),
    "sprint.error.review_status": (
        "Estado de revisión desconocido: {status}.",
        "Unknown review status: {status}.",
    ),
    "sprint.error.unknown_action": (
        "No existe la acción {action_id}.",
        "Action {action_id} does not exist.",
    ),
    "sprint.error.already_carried": (
        "Esta acción ya se arrastró al sprint siguiente; revísala allí.",
        "This action was already carried over to the next sprint; review it there.",
    ),
    "sprint.review": ("Revisar acciones pendientes", "Review pending actions"),
    "sprint.review.none": (
        "No hay acciones pendientes de revisar.",
        "No actions waiting for review.",
    ),
    "sprint.review.action": ("Acción", "Action"),
    "sprint.review.status": ("Resultado", "Outcome"),
    "sprint.review.submit": ("Registrar revisión", "Record review"),
    "sprint.reviewed": ("Revisión registrada.", "Review recorded."),
    "sprint.trend": ("Cumplimiento por sprint", "Completion per sprint"),
    "sprint.trend.empty": (
        "Aún no hay sprints revisados para dibujar la tendencia.",
        "No reviewed sprints yet to draw the trend.",
    ),
    "sprint.trend.rate": ("Cumplimiento", "Completion"),
    "sprint.trend.start": ("Inicio del sprint", "Sprint start"),
    "sprint.trend.caption": (
        "Cumplimiento = acciones hechas ÷ acciones revisadas del sprint.",
        "Completion = actions done ÷ actions reviewed in the sprint.",
    ),
    # closed loop
    "backlog.loop.title": (
        "Bucle cerrado: ¿movieron las acciones su KPI?",
        "Closed loop: did the actions move their KPI?",
    ),
    "backlog.loop.empty": (
        "Ninguna acción revisada está vinculada a un KPI todavía.",
        "No reviewed action is linked to a KPI yet.",
    ),
    "backlog.loop.caption": (
        "Valor del KPI en los 14 días previos al inicio del sprint y en los 14 días previos a la "
        "revisión, calculado con el motor del scorecard sin filtros.",
        "KPI value over the 14 days before the sprint start and over the 14 days before the "
        "review, computed by the scorecard engine without filters.",
    ),
    "backlog.loop.col.start": ("Al inicio", "At start"),
    "backlog.loop.col.review": ("En la revisión", "At review"),
    "backlog.loop.col.change": ("Cambio", "Change"),
    "backlog.loop.col.improved": ("¿Mejoró?", "Improved?"),
    "backlog.loop.yes": ("sí", "yes"),
    "backlog.loop.no": ("no", "no"),
    # outcomes
    "outcomes.title": ("Outcomes del trimestre {quarter}", "Outcomes of quarter {quarter}"),
    "outcomes.quarter": ("Trimestre", "Quarter"),
    "outcomes.empty": (
        "No hay outcomes para este trimestre.",
        "There are no outcomes for this quarter.",
    ),
    "outcomes.rule": (
        "Línea base = valor del KPI en el trimestre anterior completo, con los datos conocidos el "
        "primer día del trimestre (editable). Actual = valor del trimestre hasta hoy. Progreso = "
        "(actual − base) ÷ (objetivo − base). En camino si el progreso ≥ la fracción del "
        "trimestre transcurrida.",
        "Baseline = the KPI over the whole previous quarter, with the data known on the quarter's "
        "first day (editable). Current = the quarter-to-date value. Progress = (current − "
        "baseline) ÷ (target − baseline). On track if progress ≥ the elapsed share of the quarter.",
    ),
    "outcomes.baseline": ("Línea base", "Baseline"),
    "outcomes.baseline_overridden": ("Línea base (editada)", "Baseline (edited)"),
    "outcomes.target_backwards": (
        "El objetivo pide empeorar el KPI respecto a la línea base: revisa el objetivo o la "
        "línea base (el progreso se mide hacia el objetivo tal como está).",
        "The target asks the KPI to get worse than the baseline: check the target or the "
        "baseline (progress is measured towards the target as it stands).",
    ),
    "outcomes.baseline_saved": ("Línea base guardada.", "Baseline saved."),
    "outcomes.current": ("Actual", "Current"),
    "outcomes.target": ("Objetivo", "Target"),
    "outcomes.progress": (
        "Progreso {progress} · trimestre transcurrido {elapsed}",
        "Progress {progress} · quarter elapsed {elapsed}",
    ),
    "outcomes.on_track": ("En camino", "On track"),
    "outcomes.off_track": ("Fuera de camino", "Off track"),
    "outcomes.unknown": ("Sin datos suficientes", "Not enough data"),
    "outcomes.owner": ("Responsable: {owner}", "Owner: {owner}"),
    "outcomes.filter": ("Filtro: {filter}", "Filter: {filter}"),
    "outcomes.filter.none": ("todos los leads", "all leads"),
    "outcomes.filter.channel": ("canal {channel}", "channel {channel}"),
    "outcomes.filter.icp": ("ICP-{tier}", "ICP-{tier}"),
    "outcomes.windows": (
        "Base: {b_start} – {b_end} (datos a {b_asof}). Actual: {c_start} – {c_end}.",
        "Baseline: {b_start} – {b_end} (data as of {b_asof}). Current: {c_start} – {c_end}.",
    ),
    "outcomes.trajectory": ("Trayectoria hacia el objetivo", "Trajectory towards the target"),
    "outcomes.series.actual": ("Real (trimestre hasta la fecha)", "Actual (quarter to date)"),
    "outcomes.series.plan": ("Senda lineal base → objetivo", "Straight path baseline → target"),
    "outcomes.chart.date": ("Fecha", "Date"),
    "outcomes.chart.value": ("Valor", "Value"),
    "outcomes.create": ("Nuevo outcome", "New outcome"),
    "outcomes.create.title": ("Título", "Title"),
    "outcomes.create.kpi": ("KPI", "KPI"),
    "outcomes.create.channel": ("Canal (vacío = todos)", "Channel (empty = all)"),
    "outcomes.create.icp": ("Segmento ICP", "ICP segment"),
    "outcomes.create.icp_all": ("todos", "all"),
    "outcomes.create.target": (
        "Objetivo (tasas en %, p. ej. 30)",
        "Target (rates in %, e.g. 30)",
    ),
    "outcomes.create.baseline": (
        "Línea base manual (vacío = calcular desde los datos)",
        "Manual baseline (empty = compute from the data)",
    ),
    "outcomes.create.owner": ("Responsable", "Owner"),
    "outcomes.create.submit": ("Crear outcome", "Create outcome"),
    "outcomes.created": ("Outcome «{title}» creado.", "Outcome “{title}” created."),
    "outcomes.error.full": (
        "El trimestre {quarter} ya tiene {cap} outcomes: no se admite un cuarto. Tres outcomes "
        "que todos conocen alinean; más dispersan.",
        "Quarter {quarter} already has {cap} outcomes: a fourth is refused. Three outcomes "
        "everyone knows align the team; more scatter it.",
    ),
    "outcomes.error.title": ("El outcome necesita un título.", "The outcome needs a title."),
    "outcomes.error.kpi": ("KPI desconocido: {kpi_id}.", "Unknown KPI: {kpi_id}."),
    "outcomes.error.icp": (
        "El segmento ICP debe ser A, B o C.",
        "The ICP segment must be A, B or C.",
    ),
    "outcomes.error.quarter": (
        "Trimestre no válido: {quarter} (formato 2026-Q1).",
        "Invalid quarter: {quarter} (format 2026-Q1).",
    ),
    "outcomes.error.target": ("El objetivo debe ser un número.", "The target must be a number."),
    "outcomes.error.unknown": (
        "No existe el outcome {outcome_id}.",
        "Outcome {outcome_id} does not exist.",
    ),
    "outcomes.readonly": (
        "Solo lectura: tu rol permite ver los outcomes, no cambiarlos.",
        "Read-only: your role can see the outcomes, not change them.",
    ),
    # alignment checklist
    "checklist.title": ("Checklist de alineamiento", "Alignment checklist"),
    "checklist.item.1": (
        "Tenemos 3 outcomes trimestrales que todo el mundo conoce.",
        "We have 3 quarterly outcomes that everyone knows.",
    ),
    "checklist.item.2": (
        "Trabajamos con 3–5 KPIs compartidos que enlazan marketing, ventas y operaciones.",
        "We work with 3–5 shared KPIs linking marketing, sales and operations.",
    ),
    "checklist.item.3": (
        "Hay un SLA marketing–ventas y feedback semanal sobre la calidad de los leads.",
        "There is a marketing–sales SLA and weekly lead-quality feedback.",
    ),
    "checklist.item.4": (
        "Operaciones participa en definir la oferta y sus promesas.",
        "Operations takes part in defining the offer and its promises.",
    ),
    "checklist.item.5": (
        "Tenemos un panel vivo y una reunión de tracción quincenal.",
        "We have a live board and a fortnightly tracción meeting.",
    ),
    "checklist.item.6": (
        "Priorizamos cada sprint con la matriz esfuerzo-impacto.",
        "We prioritise each sprint with the effort-impact matrix.",
    ),
    "checklist.meeting": ("Reunión", "Meeting"),
    "checklist.no_meetings": (
        "Aún no hay reuniones: el checklist se responde en cada reunión.",
        "No meetings yet: the checklist is answered at each meeting.",
    ),
    "checklist.submit": ("Guardar checklist", "Save checklist"),
    "checklist.saved": ("Checklist guardado.", "Checklist saved."),
    "checklist.trend": ("Tendencia de alineamiento", "Alignment trend"),
    "checklist.trend.empty": (
        "Aún no se ha respondido el checklist en ninguna reunión.",
        "The checklist has not been answered at any meeting yet.",
    ),
    "checklist.score": ("Puntuación (0–6)", "Score (0–6)"),
}
