"""Widgets the pages share: session helpers, sprint and backlog panels, the timer, the meeting blocks."""
