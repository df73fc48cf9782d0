"""Strings of the admin's security pages: users, audit log, backups."""

STRINGS: dict[str, tuple[str, str]] = {
    "nav.users": ("Usuarios", "Users"),
    "users.intro": (
        "Quién puede entrar y con qué rol. Las contraseñas se guardan solo como hash bcrypt.",
        "Who can log in and with which role. Passwords are stored only as bcrypt hashes.",
    ),
    "users.col.username": ("Usuario", "Username"),
    "users.col.name": ("Nombre", "Name"),
    "users.col.role": ("Rol", "Role"),
    "users.col.active": ("Activo", "Active"),
    "users.yes": ("sí", "yes"),
    "users.no": ("no", "no"),
    "users.active": ("Cuenta activa", "Account active"),
    "users.active_help": (
        "Una cuenta desactivada no puede entrar y sus sesiones abiertas terminan.",
        "A deactivated account cannot log in and its open sessions end.",
    ),
    "role.none": ("sin sesión", "signed out"),
    "users.add": ("Añadir usuario", "Add user"),
    "users.edit": (
        "Cambiar rol, contraseña o acceso",
        "Change role, password or access",
    ),
    "users.sessions_note": (
        "Cambiar el rol o la contraseña, o desactivar la cuenta, cierra todas sus sesiones.",
        "Changing the role or password, or deactivating the account, ends all its sessions.",
    ),
    "users.username": (
        "Usuario (letras, números, '.' o '_')",
        "Username (letters, digits, '.' or '_')",
    ),
    "users.name": ("Nombre visible", "Display name"),
    "users.role": ("Rol", "Role"),
    "users.password": ("Contraseña (mín. 8 caracteres)", "Password (min. 8 characters)"),
    "users.new_password": (
        "Nueva contraseña (vacío = no cambiar)",
        "New password (empty = keep the current one)",
    ),
    "users.pick": ("Usuario a cambiar", "User to change"),
    "users.create": ("Crear usuario", "Create user"),
    # The button names the user it saves: a pick lost in a rerun must not go unnoticed.
    "users.apply": ("Guardar cambios de «{username}»", "Save changes to «{username}»"),
    "users.exists": (
        "El usuario «{username}» ya existe: cámbialo en el formulario de abajo.",
        "User “{username}” already exists: change it in the form below.",
    ),
    "users.created": ("Usuario «{username}» creado.", "User “{username}” created."),
    "users.saved": ("Cambios guardados para «{username}».", "Changes saved for “{username}”."),
    "users.error.username_empty": ("Falta el nombre de usuario.", "The username is missing."),
    "users.error.username": (
        "El usuario solo admite letras sin acentos, números, '.' y '_' (máx. {limit}).",
        "A username may only hold unaccented letters, digits, '.' and '_' (max. {limit}).",
    ),
    "users.error.name_long": (
        "El nombre visible no puede pasar de {limit} caracteres.",
        "The display name may not exceed {limit} characters.",
    ),
    "users.error.role": ("Rol desconocido: {role}.", "Unknown role: {role}."),
    "users.error.password_needed": (
        "Un usuario nuevo necesita contraseña.",
        "A new user needs a password.",
    ),
    "users.error.password_short": (
        "La contraseña debe tener al menos {minimum} caracteres.",
        "The password must be at least {minimum} characters long.",
    ),
    "users.error.password_long": (
        "La contraseña no puede pasar de {maximum} bytes.",
        "The password may not exceed {maximum} bytes.",
    ),
    "users.error.last_admin": (
        "Es el último administrador activo: nombra antes a otro administrador.",
        "This is the last active admin: make someone else admin first.",
    ),
    "audit.intro": (
        "Cada escritura deja una fila: quién, cuándo, qué tabla y fila, y el antes y el después.",
        "Every write leaves a row: who, when, which table and row, and the before and after.",
    ),
    "audit.all": ("(todos)", "(all)"),
    "audit.filter.actor": ("Usuario", "User"),
    "audit.filter.table": ("Tabla", "Table"),
    "audit.filter.action": ("Acción", "Action"),
    "audit.filter.dates": ("Fechas", "Dates"),
    "audit.filter.row": ("Id de fila", "Row id"),
    "audit.count": (
        "{shown} filas (máximo {limit}, las más recientes primero).",
        "{shown} rows (at most {limit}, newest first).",
    ),
    "audit.empty": ("Ninguna escritura coincide con el filtro.", "No write matches the filter."),
    "audit.detail": ("Antes y después de la fila", "Row before and after"),
    "audit.pick": ("Entrada del registro", "Log entry"),
    "audit.download": ("Descargar CSV", "Download CSV"),
    "audit.col.id": ("Nº", "No."),
    "audit.col.happened_at": ("Cuándo", "When"),
    "audit.col.actor": ("Usuario", "User"),
    "audit.col.action": ("Acción", "Action"),
    "audit.col.table_name": ("Tabla", "Table"),
    "audit.col.row_id": ("Fila", "Row"),
    "audit.col.before": ("Antes", "Before"),
    "audit.col.after": ("Después", "After"),
    "audit.col.field": ("Campo", "Field"),
    "audit.col.changed": ("Cambiado", "Changed"),
    "backup.title": ("Copia de seguridad", "Backup"),
    "backup.intro": (
        "Copia los dos ficheros de datos (hechos y estado) a una carpeta nueva. Para restaurar: "
        "para la app y ejecuta `python -m kpi restore --from CARPETA --db FICHERO`.",
        "Copies both data files (facts and state) into a new folder. To restore: stop the app "
        "and run `python -m kpi restore --from FOLDER --db FILE`.",
    ),
    "backup.folder": ("Carpeta de destino (nueva o vacía)", "Target folder (new or empty)"),
    "backup.run": ("Hacer copia ahora", "Back up now"),
    "backup.done": (
        "Copia completa en {target}: {tables} tablas, {rows} filas.",
        "Backup written to {target}: {tables} tables, {rows} rows.",
    ),
    "backup.restored": (
        "Restaurado {db} desde {source}: {tables} tablas, {rows} filas.",
        "Restored {db} from {source}: {tables} tables, {rows} rows.",
    ),
    "backup.error.state_held": (
        "El fichero de estado {path} está abierto por la app (u otro proceso): para la app y "
        "repite, o haz la copia desde la app (Administración → Usuarios → Copia de seguridad).",
        "The state file {path} is held by the app (or another process): stop the app and try "
        "again, or back up from inside the app (Administration → Users → Backup).",
    ),
    "backup.error.target_not_empty": (
        "La carpeta de destino {path} ya contiene una copia; elige otra carpeta.",
        "The target folder {path} already holds a backup; choose another folder.",
    ),
    "backup.error.not_a_backup": (
        "{path} no es una copia de Brújula (falta {missing}).",
        "{path} is not a Brújula backup ({missing} is missing).",
    ),
    "backup.error.no_database": ("No existe la base de datos {path}.", "No database at {path}."),
    "backup.error.damaged": (
        "La copia {path} está dañada o incompleta ({detail}); no se ha cambiado nada.",
        "The backup {path} is damaged or incomplete ({detail}); nothing was changed.",
    ),
}
