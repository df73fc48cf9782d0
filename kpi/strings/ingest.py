"""Strings of the import: rejection reasons, input errors, the CLI report and the Importar page."""

STRINGS: dict[str, tuple[str, str]] = {
    "ingest.reason.missing": ("falta el valor de {field}", "{field} is missing"),
    "ingest.reason.scientific": (
        "número en notación científica (una hoja de cálculo perdió dígitos)",
        "number in scientific notation (a spreadsheet lost digits)",
    ),
    "ingest.reason.spreadsheet_damage": (
        "valor convertido en fecha por una hoja de cálculo (p. ej. «1-5» → «01-May»)",
        "value a spreadsheet turned into a date (e.g. '1-5' → '01-May')",
    ),
    "ingest.reason.bad_tier": (
        "nivel ICP desconocido: usa A, B o C (o añade [values.icp_tier])",
        "unknown ICP tier: use A, B or C (or add [values.icp_tier])",
    ),
    "ingest.reason.bad_stage": (
        "etapa desconocida: tradúcela a open/won/lost en [values.stage]",
        "unknown stage: map it to open/won/lost in [values.stage]",
    ),
    "ingest.reason.bad_bool": (
        "no es sí/no (TRUE/FALSE, sí/no, 1/0)",
        "not a yes/no value (TRUE/FALSE, yes/no, 1/0)",
    ),
    "ingest.reason.bad_number": ("no es un número ({detail})", "not a number ({detail})"),
    "ingest.reason.bad_score": ("NPS fuera de 0–10", "NPS outside 0–10"),
    "ingest.reason.negative": ("importe negativo", "negative amount"),
    "ingest.reason.bad_date": (
        "no es una fecha con el formato del fichero ({detail})",
        "not a date in the file's format ({detail})",
    ),
    "ingest.reason.date_out_of_range": (
        "fecha fuera de 1900–2100",
        "date outside 1900–2100",
    ),
    "ingest.reason.bad_month": (
        "no es un mes (aaaa-mm o una fecha)",
        "not a month (yyyy-mm or a date)",
    ),
    "ingest.reason.duplicate": (
        "identificador repetido en el fichero (también en la línea {detail})",
        "duplicate ID in the file (also on line {detail})",
    ),
    "ingest.reason.missing_required": (
        "registro nuevo sin {detail}: no se puede crear",
        "new record without {detail}: cannot be created",
    ),
    "ingest.reason.malformed": (
        "fila CSV mal formada ({detail})",
        "malformed CSV row ({detail})",
    ),
    "ingest.reason.too_long": (
        "fila de más de {detail}: supera el tamaño máximo de una fila",
        "row longer than {detail}, the largest a row may be",
    ),
    "ingest.reason.unclosed_quote": (
        "las comillas abiertas en esta fila no se cierran: el resto del fichero queda dentro",
        "the quote opened on this row never closes: the rest of the file is inside it",
    ),
    "ingest.reason.too_long_value": (
        "valor de más de {detail} caracteres",
        "value longer than {detail} characters",
    ),
    "ingest.reason.encoding": (
        "la línea no está en {detail} como el resto del fichero (¿guardada en Latin-1?): "
        "guarda el fichero entero en {detail}",
        "the line is not {detail} like the rest of the file (saved as Latin-1?): save the "
        "whole file as {detail}",
    ),
    "ingest.reason.encoding_utf8": (
        "texto en UTF-8 en un fichero Latin-1 (se guardaría como «JosÃ©»): guarda el fichero "
        "entero en una sola codificación",
        "UTF-8 text in a Latin-1 file (it would be stored as 'JosÃ©'): save the whole file in "
        "one encoding",
    ),
    "ingest.reason.nul_byte": (
        "contiene un byte NUL (␀): no es texto",
        "contains a NUL byte (␀): not text",
    ),
    "ingest.error.header_too_long": (
        "La cabecera de {path} ocupa más de {limit}: no es un CSV de filas.",
        "The header of {path} is longer than {limit}: not a CSV of rows.",
    ),
    "ingest.error.bad_header": (
        "La cabecera de {path} tiene una celda demasiado larga para ser un nombre de columna.",
        "The header of {path} has a cell too long to be a column name.",
    ),
    "ingest.error.too_many_columns": (
        "{path} tiene {count} columnas; el máximo es {limit}.",
        "{path} has {count} columns; the most an import reads is {limit}.",
    ),
    "ingest.error.bad_delimiter": (
        "delimiter debe ser un carácter (o tab, comma, semicolon, pipe), no «{value}».",
        "delimiter must be one character (or tab, comma, semicolon, pipe), not '{value}'.",
    ),
    "ingest.error.mapping_unreadable": (
        "No se puede leer el mapeo {path}: {detail}",
        "Cannot read the mapping {path}: {detail}",
    ),
    "ingest.error.long_name": (
        "El nombre del mapeo tiene {length} caracteres; el máximo es {limit}.",
        "The mapping name has {length} characters; the most is {limit}.",
    ),
    "ingest.report.mixed_encoding": (
        "El fichero mezcla codificaciones: se lee como {encoding} y se rechazan las líneas en "
        "{minority}.",
        "The file mixes encodings: it is read as {encoding} and its {minority} lines are rejected.",
    ),
    "ingest.error.not_found": ("No existe el fichero {path}.", "File {path} does not exist."),
    "ingest.error.unreadable": (
        "No se puede leer {path}: {detail}",
        "Cannot read {path}: {detail}",
    ),
    "ingest.error.empty": ("El fichero {path} está vacío.", "File {path} is empty."),
    "ingest.error.bad_encoding": (
        "Codificación no admitida en {path}; usa una de: {valid}.",
        "Unsupported encoding for {path}; use one of: {valid}.",
    ),
    "ingest.error.binary": (
        "{path} no es un CSV de texto ni un XLSX.",
        "{path} is neither a text CSV nor an XLSX file.",
    ),
    "ingest.error.bad_xlsx": (
        "No se puede abrir el Excel {path}: {detail}",
        "Cannot open the Excel file {path}: {detail}",
    ),
    "ingest.error.no_sheet": (
        "{path} no tiene la hoja «{sheet}»; hojas: {valid}.",
        "{path} has no sheet '{sheet}'; sheets: {valid}.",
    ),
    "ingest.error.unknown_table": (
        "Tabla desconocida «{table}»; usa una de: {valid}.",
        "Unknown table '{table}'; use one of: {valid}.",
    ),
    "ingest.error.unknown_field": (
        "El campo «{field}» no existe en {table}; campos: {valid}.",
        "Field '{field}' does not exist in {table}; fields: {valid}.",
    ),
    "ingest.error.column_and_constant": (
        "{field} aparece a la vez en [columns] y [constants]; deja solo uno.",
        "{field} is both in [columns] and [constants]; keep only one.",
    ),
    "ingest.error.unknown_option": (
        "Opción [source] desconocida «{option}»; opciones: {valid}.",
        "Unknown [source] option '{option}'; options: {valid}.",
    ),
    "ingest.error.bad_decimal": (
        'decimal debe ser "." o "," (es «{value}»).',
        'decimal must be "." or "," (it is \'{value}\').',
    ),
    "ingest.error.table_mismatch": (
        "El mapeo es para la tabla {mapping}, no para {requested}.",
        "The mapping is for table {mapping}, not {requested}.",
    ),
    "ingest.error.mapping_missing": (
        "No existe el fichero de mapeo {path}.",
        "Mapping file {path} does not exist.",
    ),
    "ingest.error.mapping_syntax": (
        "El mapeo {path} no es TOML válido: {detail}",
        "Mapping {path} is not valid TOML: {detail}",
    ),
    "ingest.error.unknown_preset": (
        "Preset desconocido «{preset}»; disponibles: {valid}.",
        "Unknown preset '{preset}'; available: {valid}.",
    ),
    "ingest.error.bad_name": (
        "Nombre de mapeo no válido: «{name}».",
        "Invalid mapping name: '{name}'.",
    ),
    "ingest.error.duplicate_header": (
        "La columna «{column}» aparece dos veces en la cabecera; renómbrala.",
        "Column '{column}' appears twice in the header; rename one.",
    ),
    "ingest.error.column_missing": (
        "No encuentro la columna «{column}» (para {field}). Columnas del fichero: {available}.",
        "Column '{column}' (for {field}) is not in the file. File columns: {available}.",
    ),
    "ingest.error.key_unmapped": (
        "Falta la clave {field}: asígnale una columna en [columns]. Columnas del fichero: {available}.",
        "The key {field} is not mapped: give it a column in [columns]. File columns: {available}.",
    ),
    "ingest.error.mixed_dates": (
        "Las fechas de {columns} mezclan día/mes («{day_first}») y mes/día («{month_first}»): "
        'indica date_format en [source], p. ej. "%d/%m/%Y".',
        "Dates in {columns} mix day/month ('{day_first}') and month/day ('{month_first}'): "
        'set date_format in [source], e.g. "%d/%m/%Y".',
    ),
    "ingest.error.ambiguous_dates": (
        "No se sabe si «{example}» (en {columns}) es día/mes o mes/día: indica date_format en "
        '[source], p. ej. "%d/%m/%Y" o "%m/%d/%Y".',
        "Cannot tell whether '{example}' (in {columns}) is day/month or month/day: set "
        'date_format in [source], e.g. "%d/%m/%Y" or "%m/%d/%Y".',
    ),
    "ingest.error.mixed_decimal": (
        "Los importes mezclan coma decimal («{comma}») y punto decimal («{dot}»): indica "
        "decimal en [source].",
        "Amounts mix decimal comma ('{comma}') and decimal point ('{dot}'): set decimal in "
        "[source].",
    ),
    "ingest.error.ambiguous_decimal": (
        "No se sabe si «{example}» usa punto de miles o decimal: indica decimal en [source].",
        "Cannot tell whether '{example}' uses a thousands or a decimal separator: set decimal "
        "in [source].",
    ),
    "ingest.error.failed": (
        "La importación falló y no se ha escrito nada: {detail}",
        "The import failed and nothing was written: {detail}",
    ),
    "ingest.error.actor": (
        "El usuario «{name}» no existe o no es administrador.",
        "User '{name}' does not exist or is not an admin.",
    ),
    "ingest.report.summary": (
        "{table}: {read} filas leídas, {inserted} nuevas, {updated} actualizadas, "
        "{unchanged} sin cambios, {rejected} rechazadas.",
        "{table}: {read} rows read, {inserted} inserted, {updated} updated, "
        "{unchanged} unchanged, {rejected} rejected.",
    ),
    "ingest.report.written": (
        "Importado: la app mostrará los datos nuevos en su próxima recarga.",
        "Imported: the app shows the new data on its next rerun.",
    ),
    "ingest.report.dry_run": (
        "Simulación: no se ha escrito nada.",
        "Dry run: nothing was written.",
    ),
    "ingest.report.blocked": (
        "No se ha escrito nada: hay {rejected} filas rechazadas. Corrígelas o importa solo las "
        "válidas (--accept-valid).",
        "Nothing was written: {rejected} rows were rejected. Fix them or import only the valid "
        "rows (--accept-valid).",
    ),
    "ingest.report.rejection": (
        "línea {line}, columna «{column}», valor «{value}»: {reason}",
        "line {line}, column '{column}', value '{value}': {reason}",
    ),
    "ingest.report.more": (
        "… y {count} rechazos más (la lista completa con --rejects FICHERO).",
        "… and {count} more rejections (the full list with --rejects FILE).",
    ),
    "ingest.report.inferred": (
        "{count} oportunidades sin fecha de creación toman la fecha MQL de su lead.",
        "{count} deals without a created date take their lead's MQL date.",
    ),
    "ingest.report.unknown_leads": (
        "{count} oportunidades citan leads que no existen (se importan como origen ventas), "
        "p. ej. {examples}.",
        "{count} deals reference unknown leads (imported as sales-sourced), e.g. {examples}.",
    ),
    "ingest.report.inherited": (
        "{count} oportunidades heredan canal o nivel ICP de su lead.",
        "{count} deals inherit channel or ICP tier from their lead.",
    ),
    "ingest.report.footer": (
        "{count} líneas finales sin formato de fila (pie de informe) no se importan.",
        "{count} trailing lines that are not rows (a report footer) are not imported.",
    ),
    "ingest.report.skipped": (
        "Columnas del preset que no están en el fichero: {fields}.",
        "Preset columns not in the file: {fields}.",
    ),
    "ingest.report.formats": (
        "Fechas leídas como {dates}; decimal «{decimal}».",
        "Dates read as {dates}; decimal '{decimal}'.",
    ),
    "ingest.report.rejects_file": (
        "Lista completa de rechazos en {path}.",
        "Full list of rejections in {path}.",
    ),
    "ingest.cli.help": (
        "Importa un CSV/XLSX exportado del CRM en leads, deals o spend.",
        "Import a CSV/XLSX CRM export into leads, deals or spend.",
    ),
    "import.intro": (
        "Sube un export de tu CRM (CSV o XLSX), revisa cómo se leen las columnas y confirma. "
        "Nada se escribe hasta que pulses «Importar».",
        "Upload an export from your CRM (CSV or XLSX), check how its columns are read and "
        "confirm. Nothing is written until you press 'Import'.",
    ),
    "import.upload": ("Fichero CSV o XLSX", "CSV or XLSX file"),
    "import.table": ("Tabla de destino", "Target table"),
    "import.table.leads": ("Leads", "Leads"),
    "import.table.deals": ("Oportunidades (deals)", "Opportunities (deals)"),
    "import.table.spend": ("Inversión de marketing", "Marketing spend"),
    "import.preset": ("Mapeo de partida", "Starting mapping"),
    "import.preset.detect": ("Detectar por cabeceras", "Detect from headers"),
    "import.preset.saved": ("guardado: {name}", "saved: {name}"),
    "import.mapping": ("Mapeo de columnas", "Column mapping"),
    "import.mapping.help": (
        "Elige para cada campo la columna del fichero que lo contiene (vacío = no se importa).",
        "Pick for each field the file column that holds it (empty = not imported).",
    ),
    "import.field": ("Campo", "Field"),
    "import.column": ("Columna del fichero", "File column"),
    "import.constant": ("Valor fijo", "Fixed value"),
    "import.date_format": (
        "Formato de fecha (opcional, p. ej. %d/%m/%Y)",
        "Date format (optional, e.g. %d/%m/%Y)",
    ),
    "import.decimal": ("Separador decimal", "Decimal separator"),
    "import.decimal.auto": ("detectar", "detect"),
    "import.file_rows": ("Primeras filas del fichero", "First rows of the file"),
    "import.validate": ("Validar", "Validate"),
    "import.preview": ("Vista previa (valores ya convertidos)", "Preview (values as parsed)"),
    "import.rejections": ("Rechazos", "Rejections"),
    "import.accept_valid": (
        "Importar solo las filas válidas e ignorar las rechazadas",
        "Import only the valid rows and skip the rejected ones",
    ),
    "import.confirm": ("Importar", "Import"),
    "import.done": (
        "Importación completada (generación {generation}).",
        "Import complete (generation {generation}).",
    ),
    "import.save_name": ("Nombre para guardar este mapeo", "Name to save this mapping"),
    "import.save": ("Guardar mapeo", "Save mapping"),
    "import.saved": ("Mapeo guardado en {path}.", "Mapping saved to {path}."),
    "import.download": ("Descargar mapeo TOML", "Download mapping TOML"),
    "import.progress": ("Importando…", "Importing…"),
    "import.metric.read": ("Filas leídas", "Rows read"),
    "import.metric.inserted": ("Nuevas", "Inserted"),
    "import.metric.updated": ("Actualizadas", "Updated"),
    "import.metric.unchanged": ("Sin cambios", "Unchanged"),
    "import.metric.rejected": ("Rechazadas", "Rejected"),
}
