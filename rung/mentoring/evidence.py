"""A mentor's evidence record, for an accreditation body or an institution: training passed with
dates, check-ins held with their ratings, accreditations. No mentee is named: check-ins are listed
by title and date only."""

from typing import Any

from rung.accounts.models import User
from rung.mentoring.models import Accreditation, CheckIn, CheckInStatus, TrainingAttempt


def evidence_record(mentor: User) -> dict[str, Any]:
    first_pass: dict[int, TrainingAttempt] = {}
    for attempt in TrainingAttempt.objects.filter(user=mentor, passed=True).select_related("module").order_by("at"):
        first_pass.setdefault(attempt.module_id, attempt)
    held = CheckIn.objects.filter(pairing__mentor=mentor, status=CheckInStatus.HELD).order_by("due_at")
    return {
        "mentor": {"name": mentor.full_name, "email": mentor.email},
        "training": [
            {"module": a.module.title, "passed_on": a.at.date().isoformat(), "percent": a.percent}
            for a in sorted(first_pass.values(), key=lambda a: a.module.order)
        ],
        "checkins": [
            {"title": c.title, "held_on": (c.recorded_at or c.due_at).date().isoformat(), "rating": c.rating}
            for c in held
        ],
        "accreditations": [
            {"awarded_on": a.awarded_at.date().isoformat(), "valid_until": a.valid_until.date().isoformat()}
            for a in Accreditation.objects.filter(mentor=mentor).order_by("awarded_at")
        ],
    }
