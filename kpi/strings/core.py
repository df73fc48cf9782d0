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
    "error.input.too_long": (
        "«{field}» tiene {length} caracteres; el máximo es {limit}.",
        "“{field}” has {length} characters; the limit is {limit}.",
    ),
    "error.input.line_break": (
        "«{field}» debe ser una sola línea (sin saltos de línea).",
        "“{field}” must be a single line (no line breaks).",
    ),
    "error.input.control": (
        "«{field}» contiene un carácter de control invisible ({code}); bórralo y vuelve a "
        "escribir el texto.",
        "“{field}” contains an invisible control character ({code}); delete it and retype the "
        "text.",
    ),
    "common.save": ("Guardar", "Save"),
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
