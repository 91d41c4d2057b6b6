"""Recognition pages: fetch with permission → service → redirect, or the page again with the refusal."""

from collections.abc import Callable
from datetime import UTC
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rung.accounts.models import User
from rung.accounts.requests import request_user
from rung.lib.errors import DomainError, NotFound
from rung.orgs.models import Membership, Organisation
from rung.profiles.models import Skill
from rung.projects.models import Project
from rung.recognition import selectors, services
from rung.recognition.forms import (
    EndorseCredentialForm,
    EndorseSkillForm,
    NominateForm,
    PanelistForm,
    ReasonForm,
    RoundForm,
)
from rung.recognition.models import Endorsement, Nomination, NominationRound, RoundStatus


def _or_404[T](fetch: Callable[[], T]) -> T:
    try:
        return fetch()
    except NotFound:
        raise Http404("Not found") from None


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    received = Paginator(selectors.endorsements_received(user), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "recognition/home.html",
        {
            "received": received,
            "given": list(selectors.endorsements_given(user)[:50]),
            "rounds": list(selectors.rounds_for_user(user)[:50]),
            "nominations": list(selectors.nominations_of(user)[:50]),
            "to_endorse": selectors.engagements_to_endorse(user).exists(),
            "organising": list(
                Membership.objects.filter(user=user, role__in=selectors.ORGANISING_ROLES).select_related("organisation")
            ),
            "nav": "recognition",
        },
    )


# --- endorsements ----------------------------------------------------------------------------------


@login_required
@require_GET
def endorse_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = Paginator(selectors.engagements_to_endorse(user), 20).get_page(request.GET.get("page"))
    return render(request, "recognition/endorse_list.html", {"page_obj": page, "nav": "recognition"})


def _skill_choices(engagement_skills: list[Skill]) -> list[tuple[str, str]]:
    return [(s.slug, s.name) for s in engagement_skills]


@login_required
@require_http_methods(["GET", "POST"])
def endorse(request: HttpRequest, engagement_uuid: UUID) -> HttpResponse:
    user = request_user(request)
    engagement = next((e for e in selectors.engagements_to_endorse(user).filter(uuid=engagement_uuid)), None)
    if engagement is None:
        raise Http404("Not found")
    credential = selectors.engagement_credential(engagement)
    skills = list(
        Skill.objects.filter(Q(projects=engagement.project) | Q(profiles__user=engagement.candidate))
        .distinct()
        .order_by("name")
    )
    credential_form = EndorseCredentialForm(prefix="credential")
    skill_form = EndorseSkillForm(prefix="skill", skills=_skill_choices(skills))
    status = 200
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "credential" and credential is not None:
                credential_form = EndorseCredentialForm(request.POST, prefix="credential")
                if credential_form.is_valid():
                    services.endorse_credential(
                        endorser=user, credential=credential, statement=credential_form.cleaned_data["statement"]
                    )
                    messages.success(request, "Thank you: your endorsement is signed and shows on the credential.")
                    return redirect("recognition:home")
            elif what == "skill":
                skill_form = EndorseSkillForm(request.POST, prefix="skill", skills=_skill_choices(skills))
                if skill_form.is_valid():
                    skill = Skill.objects.get(slug=skill_form.cleaned_data["skill"])
                    services.endorse_skill(
                        endorser=user,
                        engagement=engagement,
                        skill=skill,
                        statement=skill_form.cleaned_data["statement"],
                    )
                    messages.success(request, f"Thank you: your endorsement for {skill.name} is signed.")
                    return redirect("recognition:home")
        except DomainError as exc:
            messages.error(request, exc.message)
        status = 400
    return render(
        request,
        "recognition/endorse.html",
        {
            "engagement": engagement,
            "credential": credential,
            "credential_form": credential_form,
            "skill_form": skill_form,
            "nav": "recognition",
        },
        status=status,
    )


def _endorsement(request: HttpRequest, endorsement_uuid: UUID) -> Endorsement:
    return _or_404(lambda: selectors.get_endorsement_for_user(request_user(request), endorsement_uuid))


@login_required
@require_POST
def hide_endorsement(request: HttpRequest, endorsement_uuid: UUID) -> HttpResponse:
    endorsement = _endorsement(request, endorsement_uuid)
    hidden = request.POST.get("hidden") == "on"
    try:
        services.set_endorsement_hidden(endorsement, actor=request_user(request), hidden=hidden)
        messages.success(request, "The endorsement is hidden." if hidden else "The endorsement shows again.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("recognition:home")


@login_required
@require_POST
def withdraw_endorsement(request: HttpRequest, endorsement_uuid: UUID) -> HttpResponse:
    endorsement = _endorsement(request, endorsement_uuid)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("Say why you withdraw it.")
        services.withdraw_endorsement(endorsement, actor=request_user(request), reason=form.cleaned_data["reason"])
        messages.success(request, "Your endorsement is withdrawn and its credential revoked.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("recognition:home")


# --- rounds ----------------------------------------------------------------------------------------


def _organisation_for(user: User, slug: str) -> Organisation | None:
    if not slug:
        if not user.is_staff:
            raise Http404("Not found")
        return None
    membership = Membership.objects.select_related("organisation").filter(user=user, organisation__slug=slug).first()
    if membership is None:
        raise Http404("Not found")
    return membership.organisation


def _parse_criteria(text: str) -> list[services.CriterionInput]:
    rows = []
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        parts = [p.strip() for p in line.split("|")]
        weight = 1
        if len(parts) > 2:
            try:
                weight = int(parts[2])
            except ValueError:
                raise DomainError(
                    f"“{parts[2]}” is not a weight (a whole number from 1 to 10).", field="criteria"
                ) from None
        rows.append(services.CriterionInput(parts[0], parts[1] if len(parts) > 1 else "", weight))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    organisation = _organisation_for(user, request.GET.get("org", ""))
    projects = Project.objects.filter(organisation=organisation) if organisation else Project.objects.all()
    choices = [(str(p.uuid), p.title) for p in projects.order_by("-created_at")[:200]]
    form = RoundForm(request.POST or None, projects=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            chosen = list(projects.filter(uuid__in=data["projects"]))
            created = services.create_round(
                actor=user,
                organisation=organisation,
                data=services.RoundInput(
                    title=data["title"],
                    description=data["description"],
                    cohort_kind=data["cohort_kind"],
                    projects=chosen,
                    season_start=data["season_start"],
                    season_end=data["season_end"],
                    opens_at=data["opens_at"].replace(tzinfo=UTC)
                    if data["opens_at"].tzinfo is None
                    else data["opens_at"],
                    closes_at=data["closes_at"].replace(tzinfo=UTC)
                    if data["closes_at"].tzinfo is None
                    else data["closes_at"],
                    criteria=_parse_criteria(data["criteria"]),
                    levels=[lv.strip() for lv in data["levels"].split(",")],
                    spread=data["spread"],
                    winners_count=data["winners_count"],
                ),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "The round is drafted: add the panel, then open it.")
            return redirect("recognition:round", round_uuid=created.uuid)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "recognition/round_new.html",
        {"form": form, "organisation": organisation, "nav": "recognition"},
        status=status,
    )


def _round(request: HttpRequest, round_uuid: UUID) -> tuple[NominationRound, selectors.RoundAccess]:
    return _or_404(lambda: selectors.get_round_for_user(request_user(request), round_uuid))


def _nominee_choices(nomination_round: NominationRound, user: User) -> list[tuple[str, str]]:
    interns = {
        e.candidate
        for e in selectors.cohort_engagements(nomination_round).select_related("candidate")
        if e.candidate != user
    }
    return sorted(((str(i.uuid), i.full_name or i.email) for i in interns), key=lambda c: c[1])


@login_required
@require_http_methods(["GET", "POST"])
def round_detail(request: HttpRequest, round_uuid: UUID) -> HttpResponse:
    user = request_user(request)
    nomination_round, access = _round(request, round_uuid)
    nominate_form = None
    status = 200
    if access.nominator_capacity and nomination_round.status == RoundStatus.OPEN:
        nominate_form = NominateForm(request.POST or None, nominees=_nominee_choices(nomination_round, user))
        if request.method == "POST" and nominate_form.is_valid():
            data = nominate_form.cleaned_data
            nominee = User.objects.filter(uuid=data["nominee"]).first()
            try:
                if nominee is None:
                    raise DomainError("Choose an intern of the cohort.")
                services.nominate(
                    nomination_round,
                    nominator=user,
                    nominee=nominee,
                    statement=data["statement"],
                    evidence_links=data["evidence_links"].splitlines(),
                    conflict_note=data["conflict_note"],
                )
            except DomainError as exc:
                nominate_form.add_error(None, exc.message)
            else:
                messages.success(request, "Thank you: your nomination is in.")
                return redirect("recognition:round", round_uuid=nomination_round.uuid)
        if request.method == "POST":
            status = 400
    elif request.method == "POST":
        raise Http404("Not found")
    context = {
        "round": nomination_round,
        "access": access,
        "criteria": list(nomination_round.criteria.all()),
        "nominate_form": nominate_form,
        "nav": "recognition",
    }
    if access.organiser:
        context |= {
            "panel": list(nomination_round.panelists.select_related("user")),
            "panelist_form": PanelistForm(),
            "results": selectors.results_for_organiser(nomination_round),
            "problems": services.finalisation_problems(nomination_round)
            if nomination_round.status == RoundStatus.SCORING
            else [],
            "history": list(nomination_round.history.all()),
        }
    return render(request, "recognition/round.html", context, status=status)


@login_required
@require_POST
def round_action(request: HttpRequest, round_uuid: UUID, action: str) -> HttpResponse:
    user = request_user(request)
    nomination_round, access = _round(request, round_uuid)
    if not access.organiser:
        raise Http404("Not found")
    try:
        if action == "panelist":
            form = PanelistForm(request.POST)
            panelist = User.objects.filter(email__iexact=request.POST.get("email", "").strip()).first()
            if not form.is_valid() or panelist is None:
                raise DomainError("No Rung account has that e-mail address.")
            services.add_panelist(nomination_round, actor=user, user=panelist)
            messages.success(request, f"{panelist.full_name or panelist.email} is on the panel.")
        elif action == "open":
            services.open_round(nomination_round, actor=user)
            messages.success(request, "The round is open for nominations.")
        elif action == "close":
            services.close_nominations(nomination_round, actor=user)
            messages.success(request, "Nominations are closed; the panel can score.")
        elif action == "cancel":
            services.cancel_round(nomination_round, actor=user, reason=request.POST.get("reason", ""))
            messages.success(request, "The round is cancelled.")
        elif action == "finalise":
            nominations = list(nomination_round.nominations.all())
            winners = set(request.POST.getlist("winner"))
            decisions = [
                services.DecisionInput(n, str(n.uuid) in winners, request.POST.get(f"reason-{n.uuid}", ""))
                for n in nominations
            ]
            services.finalise_round(nomination_round, actor=user, decisions=decisions)
            messages.success(request, "The results are published; every nominee is told.")
        else:
            raise Http404("Not found")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("recognition:round", round_uuid=nomination_round.uuid)


# --- the blind panel -------------------------------------------------------------------------------


@login_required
@require_GET
def panel(request: HttpRequest, round_uuid: UUID) -> HttpResponse:
    user = request_user(request)
    nomination_round, access = _round(request, round_uuid)
    if not access.panelist:
        raise Http404("Not found")
    return render(
        request,
        "recognition/panel.html",
        {
            "round": nomination_round,
            "criteria": list(nomination_round.criteria.all()),
            "levels": list(enumerate(nomination_round.levels, start=1)),
            "rows": selectors.blind_nominations(nomination_round, user),
            "nav": "recognition",
        },
    )


def _panel_nomination(request: HttpRequest, nomination_uuid: UUID) -> Nomination:
    user = request_user(request)
    nomination = Nomination.objects.select_related("round").filter(uuid=nomination_uuid).first()
    if nomination is None or not selectors.is_panelist(user, nomination.round):
        raise Http404("Not found")
    return nomination


@login_required
@require_POST
def score(request: HttpRequest, nomination_uuid: UUID) -> HttpResponse:
    nomination = _panel_nomination(request, nomination_uuid)
    criteria = list(nomination.round.criteria.all())
    try:
        levels = {}
        for criterion in criteria:
            raw = request.POST.get(f"level-{criterion.pk}", "")
            if not raw.isdigit():
                raise DomainError(f"Choose a level for “{criterion.name}”.")
            levels[criterion.pk] = int(raw)
        services.score_nomination(
            nomination, panelist=request_user(request), levels=levels, comment=request.POST.get("comment", "")
        )
        messages.success(request, "Your score is saved.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{_panel_url(nomination)}#n-{nomination.uuid}")


def _panel_url(nomination: Nomination) -> str:
    from django.urls import reverse

    return reverse("recognition:panel", args=[nomination.round.uuid])


@login_required
@require_POST
def confirm(request: HttpRequest, nomination_uuid: UUID) -> HttpResponse:
    nomination = _panel_nomination(request, nomination_uuid)
    try:
        services.confirm_score(nomination, panelist=request_user(request))
        messages.success(request, "You kept your score.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{_panel_url(nomination)}#n-{nomination.uuid}")
