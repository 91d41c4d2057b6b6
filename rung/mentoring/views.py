"""Mentoring pages: fetch with permission → service → redirect, or the page again with the refusal."""

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rung.accounts.models import User
from rung.accounts.requests import request_user
from rung.credentials.models import IssuedCredential
from rung.engagements.selectors import get_engagement_for_user
from rung.lib.errors import DomainError, NotFound
from rung.mentoring import checkins, protocols, safeguarding, selectors, services, training
from rung.mentoring.evidence import evidence_record
from rung.mentoring.forms import (
    ConcernForm,
    ConcernMoveForm,
    ConflictForm,
    DeclineForm,
    MatchForm,
    MenteeGoalsForm,
    MentoringSettingsForm,
    MentorProfileForm,
    ProtocolForm,
    ProtocolStepFormSet,
    RateForm,
    RecordForm,
    windows_to_text,
)
from rung.mentoring.models import (
    Accreditation,
    CheckIn,
    CheckInStatus,
    Concern,
    MatchRun,
    MenteeGoals,
    MentorProfile,
    Pairing,
    PairingStatus,
    PoolStatus,
    Protocol,
    StepKind,
    TrainingModule,
)
from rung.orgs.models import Organisation
from rung.projects.models import Project


def _or_404[T](fetch: Callable[[], T]) -> T:
    try:
        return fetch()
    except NotFound:
        raise Http404("Not found") from None


def _refused(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, exc.message)


def _staff(request: HttpRequest) -> User:
    user = request_user(request)
    if not user.is_staff:
        raise Http404("Not found")
    return user


# --- the mentor's own pages ---------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The mentor dashboard: proposals to answer, mentees, next and overdue check-ins, accreditation."""
    user = request_user(request)
    pairings = list(selectors.pairings_for_mentor(user))
    now = timezone.now()
    live = [p for p in pairings if p.status in (PairingStatus.ACTIVE, PairingStatus.SUSPENDED)]
    upcoming = (
        CheckIn.objects.filter(pairing__in=live, status__in=[CheckInStatus.SCHEDULED, CheckInStatus.MOVED])
        .select_related("pairing__engagement__candidate")
        .order_by("due_at")
    )
    context = {
        "profile": selectors.mentor_profile_of(user),
        "proposals": [p for p in pairings if p.status == PairingStatus.PROPOSED],
        "mentees": live,
        "next_checkins": [c for c in upcoming if c.due_at >= now][:5],
        "overdue": [c for c in upcoming if c.overdue_since < now],
        "progress": selectors.accreditation_progress(user),
        "record": selectors.mentor_record(user),
        "nav": "mentoring",
    }
    return render(request, "mentoring/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    existing = MentorProfile.objects.filter(user=user).prefetch_related("expertise").first()
    initial: dict[str, Any] = {}
    if existing:
        initial = {
            "expertise": [s.slug for s in existing.expertise.all()],
            "languages": existing.languages,
            "timezone": existing.timezone,
            "weekly_windows": windows_to_text(existing.weekly_windows),
            "capacity": existing.capacity,
            "offers": existing.offers,
            "bio": existing.bio,
        }
    form = MentorProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_mentor_profile(
                user,
                data=services.MentorProfileInput(
                    expertise=[s.slug for s in data["expertise"]],
                    languages=data["languages"],
                    timezone=data["timezone"],
                    weekly_windows=data["weekly_windows"],
                    capacity=data["capacity"],
                    offers=data["offers"],
                    bio=data["bio"],
                ),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Your mentor profile is saved.")
            return redirect("mentoring:profile")
    context = {
        "form": form,
        "profile": existing,
        "conflict_form": ConflictForm(),
        "nav": "mentoring",
        **_accreditation_context(user),
    }
    return render(request, "mentoring/profile.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def pool(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    try:
        if request.POST.get("action") == "leave":
            services.leave_pool(user)
            messages.success(request, "You have left the platform pool.")
        else:
            services.join_pool(user)
            messages.success(request, "Thank you. Rung's staff will review your offer to mentor anyone on Rung.")
    except DomainError as exc:
        _refused(request, exc)
    return redirect("mentoring:profile")


@login_required
@require_POST
def conflict(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the person's e-mail address and what the conflict is.")
        return redirect("mentoring:profile")
    person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
    try:
        if person is not None:
            services.declare_mentor_conflict(user, person=person, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        _refused(request, exc)
        return redirect("mentoring:profile")
    # Whether an address has an account is not the declarer's to learn: the same answer either way.
    messages.success(request, "Conflict of interest recorded: you will not be paired with this person.")
    return redirect("mentoring:profile")


@login_required
@require_http_methods(["GET", "POST"])
def goals(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    existing = MenteeGoals.objects.filter(user=user).prefetch_related("goal_skills").first()
    initial: dict[str, Any] = {}
    if existing:
        initial = {
            "goal_skills": [s.slug for s in existing.goal_skills.all()],
            "languages": existing.languages,
            "timezone": existing.timezone,
            "weekly_windows": windows_to_text(existing.weekly_windows),
            "wants": existing.wants,
        }
    form = MenteeGoalsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_mentee_goals(
                user,
                data=services.MenteeGoalsInput(
                    goal_skills=[s.slug for s in data["goal_skills"]],
                    languages=data["languages"],
                    timezone=data["timezone"],
                    weekly_windows=data["weekly_windows"],
                    wants=data["wants"],
                ),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Saved: matching will take this into account.")
            return redirect("mentoring:goals")
    return render(
        request, "mentoring/goals.html", {"form": form, "nav": "mentoring"}, status=400 if form.errors else 200
    )


# --- pairings and check-ins ----------------------------------------------------------------------------


@login_required
@require_GET
def pairing(request: HttpRequest, pairing_uuid: Any) -> HttpResponse:
    user = request_user(request)
    item = _or_404(lambda: selectors.get_pairing_for_user(user, str(pairing_uuid)))
    is_mentor = user.pk == item.mentor_id
    is_mentee = user.pk == item.engagement.candidate_id
    context = {
        "pairing": item,
        "is_mentor": is_mentor,
        "is_mentee": is_mentee,
        "is_coordinator": not (is_mentor or is_mentee),
        "checkins": list(item.checkins.all()),
        "decline_form": DeclineForm(),
        "now": timezone.now(),
        "nav": "mentoring",
    }
    return render(request, "mentoring/pairing.html", context)


@login_required
@require_POST
def respond(request: HttpRequest, pairing_uuid: Any) -> HttpResponse:
    user = request_user(request)
    item = _or_404(lambda: selectors.get_pairing_for_user(user, str(pairing_uuid)))
    accept = request.POST.get("answer") == "accept"
    try:
        services.respond_to_pairing(item, actor=user, accept=accept, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request, "Thank you: the check-ins are in your calendar file below." if accept else "Thank you for saying."
        )
    return redirect("mentoring:pairing", pairing_uuid=item.uuid)


@login_required
@require_GET
def pairing_calendar(request: HttpRequest, pairing_uuid: Any) -> HttpResponse:
    user = request_user(request)
    item = _or_404(lambda: selectors.get_pairing_for_user(user, str(pairing_uuid)))
    body = checkins.calendar_file(
        list(item.checkins.select_related("pairing__mentor", "pairing__engagement__candidate"))
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="check-ins-{item.uuid}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest, checkin_uuid: Any) -> HttpResponse:
    user = request_user(request)
    item = _or_404(lambda: selectors.get_checkin_for_user(user, str(checkin_uuid)))
    is_mentor = user.pk == item.pairing.mentor_id
    is_mentee = user.pk == item.pairing.engagement.candidate_id
    record_form = RecordForm(request.POST if is_mentor and request.method == "POST" else None)
    rate_form = RateForm(request.POST if is_mentee and request.method == "POST" else None)
    if request.method == "POST":
        try:
            if is_mentor and record_form.is_valid():
                data = record_form.cleaned_data
                checkins.record_checkin(
                    item,
                    actor=user,
                    data=checkins.CheckInRecord(
                        status=data["status"],
                        private_notes=data["private_notes"],
                        summary=data["summary"],
                        actions=data["actions"].splitlines(),
                        moved_to=data["moved_to"],
                        recommendation=data["recommendation"],
                    ),
                )
                messages.success(request, "Check-in recorded.")
                return redirect("mentoring:pairing", pairing_uuid=item.pairing.uuid)
            if is_mentee and rate_form.is_valid():
                checkins.rate_checkin(
                    item, actor=user, rating=rate_form.cleaned_data["rating"], comment=rate_form.cleaned_data["comment"]
                )
                messages.success(request, "Thank you for rating this check-in.")
                return redirect("mentoring:pairing", pairing_uuid=item.pairing.uuid)
            if not (is_mentor or is_mentee):
                raise Http404("Not found")
        except DomainError as exc:
            form = record_form if is_mentor else rate_form
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    context = {
        "checkin": item,
        "is_mentor": is_mentor,
        "is_mentee": is_mentee,
        "private": selectors.can_see_private_notes(user, item),
        "record_form": record_form,
        "rate_form": rate_form,
        "is_wrapup": item.kind == StepKind.WRAPUP,
        "nav": "mentoring",
    }
    errors = record_form.errors or rate_form.errors
    return render(request, "mentoring/checkin.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def suggestions(request: HttpRequest, engagement_uuid: Any) -> HttpResponse:
    """The mentee's top suggestions with reasons; they rank up to three."""
    user = request_user(request)
    engagement = _or_404(lambda: get_engagement_for_user(user, str(engagement_uuid)))
    if engagement.candidate_id != user.pk:
        raise Http404("Not found")
    rows = selectors.suggestions_for(engagement)
    if request.method == "POST":
        chosen = [request.POST.get(f"rank{i}", "") for i in (1, 2, 3)]
        ids = [int(c) for c in chosen if c.isdigit()]
        try:
            # keep the order the mentee gave
            order = {pk: i for i, pk in enumerate(ids)}
            mentors = sorted(User.objects.filter(pk__in=ids), key=lambda u: order[u.pk])
            services.rank_mentors(engagement, actor=user, mentors=mentors)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, "Your choices are saved: the coordinator's matching weighs them strongly.")
            return redirect("mentoring:suggestions", engagement_uuid=engagement.uuid)
    ranked = dict(engagement.mentor_rankings.values_list("rank", "mentor_id"))
    context = {"engagement": engagement, "rows": rows, "ranked": ranked, "nav": "mentoring"}
    return render(request, "mentoring/suggestions.html", context)


# --- coordinators ---------------------------------------------------------------------------------------


def _coordinated_org(request: HttpRequest, slug: str) -> Organisation:
    org = Organisation.objects.filter(slug=slug).first()
    if org is None or not selectors.can_coordinate(request_user(request), org):
        raise Http404("Not found")
    return org


@login_required
@require_http_methods(["GET", "POST"])
def coordinate(request: HttpRequest, slug: str) -> HttpResponse:
    user = request_user(request)
    org = _coordinated_org(request, slug)
    projects = list(Project.objects.filter(organisation=org, engagements__isnull=False).distinct().order_by("title"))
    form = MatchForm(request.POST or None, project_choices=[(str(p.uuid), p.title) for p in projects])
    if request.method == "POST" and form.is_valid():
        chosen = [p for p in projects if str(p.uuid) in form.cleaned_data["projects"]] or None
        try:
            run = services.propose_matching(
                org, actor=user, projects=chosen, accredited_only=form.cleaned_data["accredited_only"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("mentoring:run", run_uuid=run.uuid)
    cohort = services.cohort_engagements(org)
    mentors = selectors.eligible_mentors(org, accredited_only=False)
    table = []
    for engagement in cohort[:50]:
        mentee = selectors.mentee_facts(engagement)
        scored = sorted(
            (
                (selectors.score_for(engagement, m, mentee=mentee), m)
                for m in mentors
                if m.pk != engagement.candidate_id
            ),
            key=lambda pair: -pair[0].points,
        )
        table.append({"engagement": engagement, "options": scored[:5]})
    pairings = Paginator(selectors.pairings_for_org(org), 25).get_page(request.GET.get("page"))
    context = {
        "org": org,
        "form": form,
        "table": table,
        "cohort_size": len(cohort),
        "pairings": pairings,
        "adherence": selectors.adherence_for_org(org),
        "accredited": selectors.accredited_ids({m.pk for m in mentors}),
        "runs": MatchRun.objects.filter(organisation=org)[:10],
        "nav": "mentoring",
    }
    return render(request, "mentoring/coordinate.html", context, status=400 if form.errors else 200)


def _protocol_initial(protocol: Protocol | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if protocol is None:
        return {"name": "", "minutes": 30}, []
    steps = [
        {"kind": s.kind, "title": s.title, "agenda": s.agenda, "prompts": "\n".join(s.prompts)}
        for s in protocol.steps.all()
    ]
    return {"name": protocol.name, "minutes": protocol.minutes}, steps


@login_required
@require_http_methods(["GET", "POST"])
def org_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Owners and managers set the match weights, whether unaccredited mentors may be matched, and
    write their own protocol (or go back to the platform's)."""
    from rung.mentoring.models import DEFAULT_WEIGHTS, MentoringSettings

    user = request_user(request)
    org = _coordinated_org(request, slug)
    config = MentoringSettings.objects.filter(organisation=org).select_related("protocol").first()
    weights = selectors.weights_for(org)
    settings_form = MentoringSettingsForm(
        request.POST if request.POST.get("form") == "settings" else None,
        initial={"allow_unaccredited": bool(config and config.allow_unaccredited)}
        | {f"weight_{k}": v for k, v in weights.items()},
    )
    own = config.protocol if config and config.protocol and config.protocol.organisation_id == org.pk else None
    default = checkins.default_protocol()
    head, steps = _protocol_initial(own or default)
    posted = request.POST if request.POST.get("form") == "protocol" else None
    protocol_form = ProtocolForm(posted, initial=head)
    step_forms = ProtocolStepFormSet(posted, initial=steps, prefix="step")
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("form") == "settings":
                if settings_form.is_valid():
                    services.update_settings(
                        org,
                        actor=user,
                        weights=settings_form.weights(),
                        allow_unaccredited=settings_form.cleaned_data["allow_unaccredited"],
                    )
                    messages.success(request, "The mentoring settings are saved.")
                    return redirect("mentoring:settings", slug=org.slug)
            elif request.POST.get("form") == "default":
                protocols.use_default_protocol(org, actor=user)
                messages.success(request, "New pairings follow the platform's protocol.")
                return redirect("mentoring:settings", slug=org.slug)
            elif protocol_form.is_valid() and step_forms.is_valid():
                chosen = [
                    protocols.StepInput(
                        kind=f.cleaned_data["kind"],
                        title=f.cleaned_data.get("title", ""),
                        agenda=f.cleaned_data.get("agenda", ""),
                        prompts=f.cleaned_data.get("prompts", "").splitlines(),
                    )
                    for f in step_forms
                    if f.cleaned_data.get("kind")
                ]
                protocols.save_protocol(
                    org,
                    actor=user,
                    name=protocol_form.cleaned_data["name"],
                    minutes=protocol_form.cleaned_data["minutes"],
                    steps=chosen,
                )
                messages.success(request, "Your protocol is saved: new pairings follow it.")
                return redirect("mentoring:settings", slug=org.slug)
        except DomainError as exc:
            target = settings_form if request.POST.get("form") == "settings" else protocol_form
            target.add_error(None, exc.message)
        status = 400
    context = {
        "org": org,
        "settings_form": settings_form,
        "protocol_form": protocol_form,
        "step_forms": step_forms,
        "own_protocol": own,
        "default_protocol": default,
        "defaults": DEFAULT_WEIGHTS,
        "nav": "mentoring",
    }
    return render(request, "mentoring/settings.html", context, status=status)


@login_required
@require_GET
def mentor_record(request: HttpRequest, slug: str, mentor_uuid: Any) -> HttpResponse:
    """A coordinator's record of one mentor: pairings with the organisation's interns, check-ins held
    on time or missed, repeated misses, and the mentees' mean rating once enough of them rated."""
    org = _coordinated_org(request, slug)
    item = _or_404(lambda: selectors.org_mentor_record(org, str(mentor_uuid)))
    context = {"org": org, "record": item, "min_ratings": selectors.MIN_RATINGS_SHOWN, "nav": "mentoring"}
    return render(request, "mentoring/mentor_record.html", context)


@login_required
@require_POST
def pair(request: HttpRequest, slug: str) -> HttpResponse:
    user = request_user(request)
    org = _coordinated_org(request, slug)
    engagement = _or_404(lambda: get_engagement_for_user(user, request.POST.get("engagement", "")))
    mentor = User.objects.filter(
        pk=request.POST.get("mentor", "0") if request.POST.get("mentor", "").isdigit() else 0
    ).first()
    if mentor is None or engagement.project.organisation_id != org.pk:
        raise Http404("Not found")
    try:
        services.pair_by_hand(engagement, mentor=mentor, actor=user)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"{mentor.full_name or mentor.email} has been asked to mentor.")
    return redirect("mentoring:coordinate", slug=org.slug)


@login_required
@require_http_methods(["GET", "POST"])
def run(request: HttpRequest, run_uuid: Any) -> HttpResponse:
    user = request_user(request)
    item = _or_404(lambda: selectors.get_run_for_user(user, str(run_uuid)))
    if request.method == "POST":
        try:
            if request.POST.get("action") == "discard":
                services.discard_matching(item, actor=user)
                messages.success(request, "The proposal was discarded.")
            else:
                published = services.publish_matching(item, actor=user)
                messages.success(request, f"Published: {len(published.pairings)} mentor(s) asked.")
                for reason in published.skipped:
                    messages.warning(request, f"Not made: {reason}")
        except DomainError as exc:
            _refused(request, exc)
        return redirect("mentoring:run", run_uuid=item.uuid)
    from rung.engagements.models import Engagement

    engagements = {
        str(e.uuid): e
        for e in Engagement.objects.filter(project__organisation=item.organisation).select_related(
            "candidate", "project"
        )
    }
    mentors = {u.pk: u for u in User.objects.filter(pk__in=[r["mentor"] for r in item.proposal])}
    rows = [
        # The stored ids first, then the objects they name (the template shows names, not ids).
        {**r, "engagement": engagements.get(str(r["engagement"])), "mentor": mentors.get(int(str(r["mentor"])))}
        for r in item.proposal
    ]
    unpaired = [engagements.get(u) for u in item.unpaired]
    context = {
        "run": item,
        "rows": rows,
        "unpaired": [e for e in unpaired if e],
        "accredited": selectors.accredited_ids(set(mentors)),
        "nav": "mentoring",
    }
    return render(request, "mentoring/run.html", context)


# --- training, accreditation, evidence -------------------------------------------------------------------


@login_required
@require_GET
def training_home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    progress = selectors.accreditation_progress(user)
    passed = {m.pk for m in progress.modules_passed}
    modules = [(m, m.pk in passed) for m in TrainingModule.objects.all()]
    context = {"modules": modules, "progress": progress, "nav": "mentoring", **_accreditation_context(user)}
    return render(request, "mentoring/training.html", context)


def _accreditation_context(user: User) -> dict[str, Any]:
    """The accreditations a mentor holds or held, each with its credential, and when renewal opens."""
    accreditations = list(Accreditation.objects.filter(mentor=user).order_by("-awarded_at")[:10])
    credentials = {
        c.uuid: c
        for c in IssuedCredential.objects.filter(
            uuid__in=[a.credential_uuid for a in accreditations if a.credential_uuid]
        )
    }
    now = timezone.now()
    current = next((a for a in accreditations if a.valid_until > now), None)
    return {
        "accreditations": [
            (a, credentials.get(a.credential_uuid) if a.credential_uuid else None) for a in accreditations
        ],
        "current_accreditation": current,
        "renewal_opens": training.renewal_opens(current) if current else None,
        "can_renew": current is not None and now >= training.renewal_opens(current),
    }


@login_required
@require_POST
def renew(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    try:
        training.renew_accreditation(user)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, "Renewed: your new “Accredited mentor” credential is valid for another year.")
    return redirect("mentoring:training")


@login_required
@require_http_methods(["GET", "POST"])
def module(request: HttpRequest, slug: str) -> HttpResponse:
    user = request_user(request)
    item = TrainingModule.objects.filter(slug=slug).prefetch_related("questions").first()
    if item is None:
        raise Http404("No such module")
    questions = list(item.questions.all())
    attempt = None
    error = ""
    if request.method == "POST":
        answers: list[int] = []
        for q in questions:
            raw = request.POST.get(f"q{q.pk}", "")
            answers.append(int(raw) if raw.isdigit() and len(raw) < 3 else -1)
        try:
            attempt = training.submit_attempt(user, module=item, answers=answers)
        except DomainError as exc:
            error = exc.message
    context = {"module": item, "questions": questions, "attempt": attempt, "error": error, "nav": "mentoring"}
    return render(request, "mentoring/module.html", context, status=400 if error else 200)


@login_required
@require_GET
def evidence(request: HttpRequest) -> HttpResponse:
    """The mentor's evidence record for an accreditation body or an institution (CSV or JSON)."""
    user = request_user(request)
    mentor = user
    if request.GET.get("mentor") and user.is_staff:
        mentor = _or_404(lambda: _user_by_profile(request.GET["mentor"]))
    record = evidence_record(mentor)
    if request.GET.get("format") == "json":
        response = HttpResponse(json.dumps(record, indent=2), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="mentor-evidence.json"'
        return response
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "date", "value"])
    for row in record["training"]:
        writer.writerow(["training", row["module"], row["passed_on"], f"{row['percent']} %"])
    for row in record["checkins"]:
        writer.writerow(["check-in", row["title"], row["held_on"], row["rating"] if row["rating"] is not None else ""])
    for row in record["accreditations"]:
        writer.writerow(["accreditation", "Accredited mentor", row["awarded_on"], f"valid until {row['valid_until']}"])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mentor-evidence.csv"'
    return response


def _user_by_profile(profile_uuid: str) -> User:
    profile = (
        MentorProfile.objects.filter(uuid=profile_uuid).select_related("user").first()
        if len(profile_uuid) == 36
        else None
    )
    if profile is None:
        raise NotFound("No such mentor.")
    return profile.user


# --- safeguarding ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request: HttpRequest, engagement_uuid: Any) -> HttpResponse:
    user = request_user(request)
    engagement = _or_404(lambda: get_engagement_for_user(user, str(engagement_uuid)))
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            safeguarding.report_concern(engagement, reporter=user, text=form.cleaned_data["text"])
        except DomainError as exc:
            form.add_error("text", exc.message)
        else:
            messages.success(
                request, "Your concern reached Rung's staff. Only they read it; you will be told the outcome."
            )
            return redirect("engagements:detail", engagement_uuid=engagement.uuid)
    context = {"engagement": engagement, "form": form, "nav": "mentoring"}
    return render(request, "mentoring/concern_new.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def concerns(request: HttpRequest) -> HttpResponse:
    _staff(request)
    status = request.GET.get("status", "")
    rows = Concern.objects.select_related("engagement__project", "reporter")
    if status in {"open", "in_review", "resolved", "upheld"}:
        rows = rows.filter(status=status)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    pool_queue = MentorProfile.objects.filter(pool_status=PoolStatus.PENDING).select_related("user")
    context = {"page": page, "status": status, "pool_queue": pool_queue, "nav": "staff_safeguarding"}
    return render(request, "mentoring/concerns.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def concern(request: HttpRequest, concern_uuid: Any) -> HttpResponse:
    user = _staff(request)
    item = Concern.objects.select_related("engagement__project", "reporter", "about").filter(uuid=concern_uuid).first()
    if item is None:
        raise Http404("No such concern")
    form = ConcernMoveForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "suspend":
            live = Pairing.objects.filter(engagement=item.engagement, status=PairingStatus.ACTIVE).first()
            try:
                if live is None:
                    raise DomainError("This engagement has no active pairing to suspend.")
                services.suspend_pairing(live, actor=user, reason=f"Safeguarding concern {item.uuid}")
            except DomainError as exc:
                _refused(request, exc)
            else:
                messages.success(request, "The pairing is suspended.")
            return redirect("mentoring:concern", concern_uuid=item.uuid)
        if form.is_valid():
            try:
                safeguarding.move_concern(item, actor=user, to=form.cleaned_data["to"], note=form.cleaned_data["note"])
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Recorded.")
                return redirect("mentoring:concern", concern_uuid=item.uuid)
    context = {"concern": item, "form": form, "history": item.history.all(), "nav": "staff_safeguarding"}
    return render(request, "mentoring/concern.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def pool_decide(request: HttpRequest, profile_uuid: Any) -> HttpResponse:
    user = _staff(request)
    item = MentorProfile.objects.filter(uuid=profile_uuid).first()
    if item is None:
        raise Http404("No such mentor")
    try:
        services.decide_pool(item, actor=user, approve=request.POST.get("decision") == "approve")
    except DomainError as exc:
        _refused(request, exc)
    return redirect(reverse("mentoring:concerns") + "#pool")
