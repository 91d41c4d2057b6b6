"""The Award a round's winner receives: an OB 3.0 credential whose achievement has achievementType "Award",
issued through the general achievements builder (rung/credentials/achievements.py)."""

from django.conf import settings

from rung.accounts.models import User
from rung.credentials.achievements import Achievement, AchievementEvidenceInput, issue_achievement_credential
from rung.credentials.models import IssuedCredential
from rung.recognition.models import Nomination, NominationRound


def award_achievement(nomination_round: NominationRound) -> Achievement:
    """The achievement every winner of the round shares (one achievement id per round)."""
    runner = nomination_round.organisation.name if nomination_round.organisation else settings.CREDENTIALS_ISSUER_NAME
    rubric = "\n".join(
        f"- {c.name}" + (f": {c.description}" if c.description else "") for c in nomination_round.criteria.all()
    )
    return Achievement(
        ref=f"award:{nomination_round.uuid}",
        name=nomination_round.title,
        description=nomination_round.description
        or f"Awarded by {runner} to a micro-intern its panel judged outstanding.",
        criteria_narrative="Nominated by a mentor, reviewer or fellow intern of the cohort, and chosen by a "
        f"panel that scored the nominations blind against this rubric:\n{rubric}",
        achievement_type="Award",
        creator=nomination_round.organisation,
    )


def issue_award(nomination_round: NominationRound, nomination: Nomination, *, actor: User) -> IssuedCredential:
    """Sign and store a winner's Award as the platform; idempotent per round and person."""
    return issue_achievement_credential(
        recipient=nomination.nominee,
        achievement=award_achievement(nomination_round),
        issue_ref=f"award:{nomination_round.uuid}:{nomination.nominee.uuid}",
        narrative=nomination.reason,
        evidence=[
            AchievementEvidenceInput(
                "The panel's decision",
                narrative=f"Chosen by the panel of “{nomination_round.title}” from "
                f"{nomination_round.nominations.count()} nomination(s).",
                genre="Panel decision",
            )
        ],
        issued_by=actor,
    )
