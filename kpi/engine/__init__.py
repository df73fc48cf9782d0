"""The KPI engine: catalogue, periods, targets, alerts and the SQL that computes them."""
