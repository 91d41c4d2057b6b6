"""Rung: paid, fair, verifiable micro-internships."""
