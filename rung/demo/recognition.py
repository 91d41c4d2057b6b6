"""Demo recognition: Northwind's reviewer endorses Maya's credential, and Northwind's winter round has
run from nominations to results — one nomination was flagged by calibration and settled — with an
Award for the winner. Runs the real services; the round is closed early, as an organiser may."""

from datetime import timedelta

from django.utils import timezone

from rung.accounts.models import User
from rung.engagements.models import Engagement, EngagementStatus
from rung.orgs.models import Organisation
from rung.recognition import selectors, services
from rung.recognition.models import CohortKind, Endorsement, NominationRound
from rung.reviews.credential import issue_for_engagement

ENDORSEMENT = (
    "Maya turned a messy export into a clean data set in two days and wrote down every choice she made, "
    "so the next person can repeat it. I would happily work with her again."
)
REASONS = (
    "Rebuilt the pipeline the whole team now relies on, and documented it clearly.",
    "Steady, careful work; the panel chose a nomination with a larger effect on the project.",
)


def build_recognition(org: Organisation, *, owner: User, reviewer: User, mentor: User) -> None:
    if NominationRound.objects.filter(organisation=org).exists():
        return  # already built: the demo can run twice
    completed = (
        Engagement.objects.filter(project__organisation=org, status=EngagementStatus.COMPLETED)
        .select_related("candidate", "project")
        .order_by("pk")  # the demo's first intern (Maya), not the pilot's cohort built after her
        .first()
    )
    if completed is not None and not Endorsement.objects.filter(engagement=completed).exists():
        credential = issue_for_engagement(completed)
        if credential is not None and selectors.capacity_on(reviewer, completed):
            services.endorse_credential(endorser=reviewer, credential=credential, statement=ENDORSEMENT)

    now = timezone.now()
    nomination_round = services.create_round(
        actor=owner,
        organisation=org,
        data=services.RoundInput(
            title="Outstanding micro-intern, winter round",
            description="For the Northwind intern whose work made the biggest difference this winter.",
            cohort_kind=CohortKind.ORGANISATION,
            opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(hours=1),
            criteria=[
                services.CriterionInput("Quality of work", "Accurate, tidy and finished"),
                services.CriterionInput("Effect on the project", "What changed because of it", weight=2),
            ],
        ),
    )
    services.add_panelist(nomination_round, actor=owner, user=owner)
    services.add_panelist(nomination_round, actor=owner, user=reviewer)
    services.open_round(nomination_round, actor=owner)
    interns = list(
        dict.fromkeys(e.candidate for e in selectors.cohort_engagements(nomination_round).select_related("candidate"))
    )
    nominations = []
    for i, nominee in enumerate(interns[:2]):
        # A fellow intern nominates; with a cohort of one, the mentor of the cohort does.
        others = [p for p in interns if p != nominee]
        nominator = others[i % len(others)] if others else mentor
        if selectors.nominator_capacity(nominator, nomination_round) is None:
            continue
        nominations.append(
            services.nominate(
                nomination_round,
                nominator=nominator,
                nominee=nominee,
                statement=(
                    f"{nominee.full_name} took on the hardest part of the brief without being asked, and shared "
                    "what they learnt with the rest of us in a short write-up."
                ),
                evidence_links=["https://portfolio.example/work"],
            )
        )
    if not nominations:
        services.cancel_round(nomination_round, actor=owner, reason="Nobody in the cohort could be nominated yet.")
        return
    services.close_nominations(nomination_round, actor=owner)
    criteria = list(nomination_round.criteria.all())

    def levels(*values: int) -> dict[int, int]:
        return {c.pk: v for c, v in zip(criteria, values, strict=True)}

    # The panel disagrees on the first nomination: flagged; the reviewer changes, the owner confirms.
    services.score_nomination(nominations[0], panelist=owner, levels=levels(4, 4))
    services.score_nomination(nominations[0], panelist=reviewer, levels=levels(2, 2))
    services.score_nomination(nominations[0], panelist=reviewer, levels=levels(3, 4), comment="Changed after we talked")
    services.confirm_score(nominations[0], panelist=owner)
    for nomination in nominations[1:]:
        for panelist in (owner, reviewer):
            services.score_nomination(nomination, panelist=panelist, levels=levels(3, 2))
    services.finalise_round(
        nomination_round,
        actor=owner,
        decisions=[
            services.DecisionInput(nominations[0], True, REASONS[0]),
            *(services.DecisionInput(n, False, REASONS[1]) for n in nominations[1:]),
        ],
    )
