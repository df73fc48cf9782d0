"""The fortnightly ritual: meetings, timer, minutes, brief, checklist, backlog and outcomes."""
