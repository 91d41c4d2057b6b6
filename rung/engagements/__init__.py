"""Engagements: one candidate doing one project — the signed contract, its amendments, the dated
milestones and how the engagement ends (completed or cancelled, with the kill fee)."""
