"""Strings of the shell: navigation, login, roles, errors, common words."""

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("Brújula", "Brújula"),
    "app.tagline": (
        "Marketing, Ventas y Operaciones alineados con los mismos datos",
        "Marketing, Sales and Operations aligned on the same data",
    ),
    "nav.home": ("Inicio", "Home"),
    "nav.scorecard": ("Scorecard", "Scorecard"),
    "nav.kpi_detail": ("Detalle KPI", "KPI detail"),
    "nav.meeting": ("Reunión", "Meeting"),
    "nav.projector": ("Proyector", "Projector"),
    "nav.history": ("Historial", "History"),
    "nav.backlog": ("Backlog", "Backlog"),
    "nav.outcomes": ("Outcomes", "Outcomes"),
    "nav.import": ("Importar", "Import"),
    "nav.settings": ("Ajustes", "Settings"),
    "nav.audit": ("Auditoría", "Audit log"),
    "nav.section.board": ("Panel", "Board"),
    "nav.section.meeting": ("Reunión de tracción", "Tracción meeting"),
    "nav.section.admin": ("Administración", "Administration"),
    "sidebar.language": ("Idioma", "Language"),
    "sidebar.user": ("Usuario: {name} ({role})", "User: {name} ({role})"),
    "sidebar.logout": ("Cerrar sesión", "Log out"),
    "sidebar.data": ("Datos: {path}", "Data: {path}"),
    "role.admin": ("administrador", "admin"),
    "role.editor": ("editor", "editor"),
    "role.viewer": ("lector", "viewer"),
    "login.title": ("Iniciar sesión", "Log in"),
    "login.username": ("Usuario", "Username"),
    "login.password": ("Contraseña", "Password"),
    "login.submit": ("Entrar", "Log in"),
    "login.failed": ("Usuario o contraseña incorrectos.", "Wrong username or password."),
    "login.locked": (
        "Demasiados intentos fallidos. Espera {minutes} minutos e inténtalo de nuevo.",
        "Too many failed attempts. Wait {minutes} minutes and try again.",
    ),
    "login.prompt": (
        "Introduce tu usuario y contraseña.",
        "Enter your username and password.",
    ),
    "error.permission": (
        "Tu rol ({role}) no permite esta acción.",
        "Your role ({role}) does not allow this action.",
    ),
    "error.db.locked": (
        "La base de datos {path} está abierta por otro proceso de Brújula. Cierra la otra "
        "instancia (o usa otro fichero con BRUJULA_DB) y recarga la página.",
        "The database {path} is held by another Brújula process. Close the other instance "
        "(or point BRUJULA_DB at another file) and reload the page.",
    ),
    "error.db.damaged": (
        "El fichero {path} no es una base de datos legible (dañado o truncado). Restaura la "
        "última copia con `python -m kpi restore` o apártalo para empezar con datos demo.",
        "The file {path} is not a readable database (damaged or truncated). Restore the last "
        "backup with `python -m kpi restore` or move it aside to start with demo data.",
    ),
    "error.db.missing": (
        "Falta el fichero de datos {path}.",
        "The data file {path} is missing.",
    ),
    "error.db.busy": (
        "Otra importación está escribiendo {path}; inténtalo de nuevo en unos segundos.",
        "Another import is writing {path}; try again in a few seconds.",
    ),
    "error.input.date": (
        "«{value}» no es una fecha válida para {field} (formato AAAA-MM-DD).",
        "“{value}” is not a valid date for {field} (format YYYY-MM-DD).",
    ),
    "error.input.date_range": (
        "La fecha {value} de {field} debe estar entre {earliest} y {latest}.",
        "The date {value} for {field} must be between {earliest} and {latest}.",
    ),
    "error.input.number": (
        "«{value}» no es un número válido para {field}.",
        "“{value}” is not a valid number for {field}.",
    ),
    "error.input.range": (
        "{field} debe estar entre {low} y {high}; se recibió «{value}».",
        "{field} must be between {low} and {high}; got “{value}”.",
    ),
    "error.input.blank": ("{field} no puede estar vacío.", "{field} may not be empty."),
    "error.input.choice": (
        "«{value}» no es una opción válida para {field}.",
        "“{value}” is not a valid choice for {field}.",
    ),
    "error.detail": ("Detalle técnico: {detail}", "Technical detail: {detail}"),
    "common.none": ("—", "—"),
    "common.save": ("Guardar", "Save"),
    "common.cancel": ("Cancelar", "Cancel"),
    "common.coming": (
        "Esta página llegará con el issue #{issue}: {what}",
        "This page arrives with issue #{issue}: {what}",
    ),
    "home.welcome": ("Hola, {name}", "Hello, {name}"),
    "home.data": (
        "{leads} leads, {deals} oportunidades y {months} meses de inversión en la base de datos.",
        "{leads} leads, {deals} opportunities and {months} months of spend in the database.",
    ),
    "home.range": (
        "Leads desde {first} hasta {last}.",
        "Leads from {first} to {last}.",
    ),
    "home.empty": (
        "La base de datos no tiene leads todavía: importa un export de tu CRM.",
        "The database has no leads yet: import an export from your CRM.",
    ),
}
