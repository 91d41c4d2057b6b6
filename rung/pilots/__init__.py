"""Pilots: an employer's experiment with micro-internships (projects, goals with targets) and its
dashboard of SQL aggregates; the candidates' opt-in diversity answers, read only as suppressed counts."""
