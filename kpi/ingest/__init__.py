"""Getting records in: sources, encodings, mappings, conversion, the import and the demo data."""
