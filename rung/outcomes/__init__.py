"""Outcomes after the work: interview, offer and hire outcomes per candidate and employer, the 3- and
6-month follow-ups, and the completion surveys (confidential to aggregates)."""
