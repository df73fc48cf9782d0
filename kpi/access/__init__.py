"""Who may do what: roles, credentials, users, sessions and the first run."""
