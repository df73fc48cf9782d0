"""Strings of restore refusals, backup failures and the database page shown before login."""

STRINGS: dict[str, tuple[str, str]] = {
    "restore.error.manifest": (
        "El manifiesto {path} no es el de una copia de Brújula (JSON ilegible o con otra forma); "
        "no se ha cambiado nada.",
        "The manifest {path} is not a Brújula backup manifest (unreadable JSON or another "
        "shape); nothing was changed.",
    ),
    "restore.error.newer_format": (
        "La copia {path} tiene el formato {found} y esta versión de Brújula lee hasta el "
        "{known}: actualiza Brújula para restaurarla; no se ha cambiado nada.",
        "The backup {path} has format {found} and this Brújula version reads up to {known}: "
        "upgrade Brújula to restore it; nothing was changed.",
    ),
    "restore.error.not_a_file": (
        "{name} en la copia {path} es un enlace simbólico o no es un fichero normal; copia los "
        "ficheros reales en la carpeta. No se ha cambiado nada.",
        "{name} in the backup {path} is a symbolic link or not a regular file; copy the real "
        "files into the folder. Nothing was changed.",
    ),
    "restore.error.empty": (
        "{part} de la copia {path} no contiene ninguna tabla de Brújula; no se ha cambiado nada.",
        "{part} in the backup {path} holds no Brújula table; nothing was changed.",
    ),
    "restore.error.newer": (
        "{part} de la copia {path} viene de una versión más nueva de Brújula (migración {found}; "
        "esta versión llega a la {known}): actualiza Brújula para restaurarla; no se ha cambiado "
        "nada.",
        "{part} in the backup {path} comes from a newer Brújula (migration {found}; this "
        "version knows up to {known}): upgrade Brújula to restore it; nothing was changed.",
    ),
    "restore.error.extra": (
        "{part} de la copia {path} contiene {kind} «{name}», que Brújula no crea; no se ha "
        "cambiado nada.",
        "{part} in the backup {path} holds {kind} “{name}”, which Brújula does not create; "
        "nothing was changed.",
    ),
    "restore.error.missing": (
        "A {part} de la copia {path} le falta {kind} «{name}»; no se ha cambiado nada.",
        "{part} in the backup {path} lacks {kind} “{name}”; nothing was changed.",
    ),
    "restore.error.changed": (
        "En {part} de la copia {path}, {kind} «{name}» es «{found}» y debería ser «{expected}»; "
        "no se ha cambiado nada.",
        "In {part} of the backup {path}, {kind} “{name}” is “{found}” and should be "
        "“{expected}”; nothing was changed.",
    ),
    "restore.error.disk_full": (
        "No queda espacio en disco junto a {db} para copiar la copia de seguridad; libera espacio "
        "y repite. No se ha cambiado nada.",
        "No disk space is left beside {db} to copy the backup in; free some space and try "
        "again. Nothing was changed.",
    ),
    "restore.error.io": (
        "No se pudo restaurar {db} ({reason}); no se ha cambiado nada.",
        "Could not restore {db} ({reason}); nothing was changed.",
    ),
    "restore.backup.disk_full": (
        "No queda espacio en disco en {target} para la copia; libera espacio y repite con una "
        "carpeta nueva.",
        "No disk space is left in {target} for the backup; free some space and try again with "
        "a new folder.",
    ),
    "restore.backup.io": (
        "No se pudo escribir la copia en {target} ({reason}).",
        "Could not write the backup to {target} ({reason}).",
    ),
    "restore.kind.schema": ("el esquema", "the schema"),
    "restore.kind.table": ("la tabla", "the table"),
    "restore.kind.column": ("la columna", "the column"),
    "restore.kind.view": ("la vista", "the view"),
    "restore.kind.macro": ("la macro o función", "the macro or function"),
    "restore.kind.sequence": ("la secuencia", "the sequence"),
    "restore.kind.index": ("el índice", "the index"),
    "restore.kind.type": ("el tipo", "the type"),
    "restore.kind.constraint": ("la restricción", "the constraint"),
    "restore.kind.migration": ("la migración", "the migration"),
    "restore.page.locked": (
        "La base de datos «{name}» está abierta por otro proceso de Brújula: cierra la otra "
        "instancia (o usa otro fichero con BRUJULA_DB) y recarga la página.",
        "The database “{name}” is held by another Brújula process: close the other instance "
        "(or point BRUJULA_DB at another file) and reload the page.",
    ),
    "restore.page.damaged": (
        "El fichero «{name}» no es una base de datos legible (dañado o truncado): restaura la "
        "última copia con `python -m kpi restore --from CARPETA --db FICHERO` y recarga la página.",
        "The file “{name}” is not a readable database (damaged or truncated): restore the last "
        "backup with `python -m kpi restore --from FOLDER --db FILE` and reload the page.",
    ),
    "restore.page.missing": (
        "Falta la base de datos «{name}» (ajuste BRUJULA_DB): restaura una copia con "
        "`python -m kpi restore --from CARPETA --db FICHERO`, o crea una nueva con "
        "`python -m kpi init` (datos demo), y recarga la página.",
        "The database “{name}” (setting BRUJULA_DB) is missing: restore a backup with "
        "`python -m kpi restore --from FOLDER --db FILE`, or create a new one with "
        "`python -m kpi init` (demo data), and reload the page.",
    ),
    "restore.page.busy": (
        "Otra importación está escribiendo «{name}»; recarga la página en unos segundos.",
        "Another import is writing “{name}”; reload the page in a few seconds.",
    ),
    "restore.page.full": (
        "No queda espacio en disco para la base de datos «{name}»: libera espacio y recarga la "
        "página.",
        "No disk space is left for the database “{name}”: free some space and reload the page.",
    ),
    "restore.page.denied": (
        "Brújula no tiene permiso para abrir «{name}»: revisa el propietario y los permisos del "
        "fichero y de su carpeta, y recarga la página.",
        "Brújula may not open “{name}”: check the owner and permissions of the file and its "
        "folder, and reload the page.",
    ),
}
