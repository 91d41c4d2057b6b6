"""Projects: what employers offer — scope, milestones, pay, seats, rubric — from draft to published.

Owns the fair-pay rule (with the minimum-wage table), templates, rubrics and project search.
"""
