"""`python -m kpi`: the command line over the core."""
