"""The agreements between Marketing and Sales: the SLA document and the qualification guide."""
