"""E-mail: the SMTP password file, the outbox, what is due, composing and sending messages."""
