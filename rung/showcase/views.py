"""Pages of the showcase: the public showcase and catalogues, an item (with the author's, the employer's
and the curator's actions), the consent and curation queues, portfolios, reports and staff moderation.
Each view fetches with permission, calls one service and redirects."""

import uuid
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rung.accounts.requests import request_user
from rung.engagements.selectors import get_engagement_for_user
from rung.lib.errors import DomainError, NotFound
from rung.lib.money import format_money
from rung.profiles.models import Skill
from rung.profiles.photos import photo_response
from rung.projects.models import Project, ProjectStatus
from rung.showcase import licensing, selectors, services
from rung.showcase.models import (
    Catalogue,
    CatalogueKind,
    ConsentStatus,
    CurationStatus,
    LicenceOffer,
    LicencePurchase,
    OfferStatus,
    Portfolio,
    Report,
    ShowcaseItem,
    TargetKind,
)

PAGE_SIZE = 12
QUEUE_PAGE_SIZE = 20


def _user(request: HttpRequest) -> Any:
    return request.user if request.user.is_authenticated else None


def _item(request: HttpRequest, slug: str) -> ShowcaseItem:
    try:
        return selectors.get_item_for_user(_user(request), slug)
    except NotFound:
        raise Http404("No such showcase item.") from None


def _fail(request: HttpRequest, exc: DomainError) -> None:
    flash.error(request, exc.message)


def _query_prefix(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


# --- Public pages -----------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    skill = request.GET.get("skill", "")
    featured = request.GET.get("featured") == "1"
    items = selectors.search_public_items(q=q, skill=skill, featured=featured)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "showcase/index.html",
        {
            "page_obj": page,
            "q": q,
            "skill": skill,
            "featured": featured,
            "skills": Skill.objects.filter(curated=True).order_by("name"),
            "catalogues": selectors.public_catalogues()[:12],
            "query_prefix": _query_prefix(request),
            "nav": "showcase",
        },
    )


@require_GET
def catalogues(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_catalogues(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "showcase/catalogues.html", {"page_obj": page, "query_prefix": "", "nav": "showcase"})


@require_GET
def catalogue(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = selectors.get_catalogue(_user(request), slug)
    except NotFound:
        raise Http404("No such catalogue.") from None
    q = request.GET.get("q", "")
    skill = request.GET.get("skill", "")
    page = Paginator(selectors.catalogue_entries(found, q=q, skill=skill), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "showcase/catalogue.html",
        {
            "catalogue": found,
            "page_obj": page,
            "q": q,
            "skill": skill,
            "skills": Skill.objects.filter(curated=True).order_by("name"),
            "query_prefix": _query_prefix(request),
            "nav": "showcase",
        },
    )


def _item_context(request: HttpRequest, item: ShowcaseItem) -> dict[str, Any]:
    user = _user(request)
    is_author = user is not None and item.author_id == user.pk
    can_decide = user is not None and services.can_decide_for(user, item.organisation_id)
    curator = user is not None and services.is_curator(user)
    playbook = services.current_playbook() if curator and item.status == CurationStatus.QUEUED else None
    answers = services.latest_checks(item, playbook) if playbook else {}
    invite_projects = []
    if user is not None and item.contactable and not is_author:
        from rung.orgs.models import Membership

        org_ids = Membership.objects.filter(user=user, role__in=["owner", "manager"]).values("organisation_id")
        invite_projects = list(
            Project.objects.filter(organisation_id__in=org_ids, status=ProjectStatus.PUBLISHED).order_by("title")
        )
    offer = LicenceOffer.objects.filter(item=item).first()
    buy_orgs = []
    if user is not None and offer is not None and offer.status == OfferStatus.OFFERED and not is_author:
        from rung.orgs.models import Organisation

        buy_orgs = list(
            Organisation.objects.filter(memberships__user=user, memberships__role__in=["owner", "manager"]).exclude(
                pk=item.organisation_id
            )
        )
    return {
        "item": item,
        "offer": offer,
        "offer_price": format_money(offer.price_minor, offer.currency) if offer else "",
        "licensable": licensing.employer_percent_for(item) is not None,
        "not_licensable_reason": licensing.why_not_licensable(item),
        "buy_orgs": buy_orgs,
        "OfferStatus": OfferStatus,
        "public": selectors.is_public(item),
        "files": list(item.files.select_related("submission_file")),
        "skills": list(item.skills.all()),
        "is_author": is_author,
        "can_decide": can_decide,
        "is_curator": curator,
        "playbook": playbook,
        "checks": [{**c, "answer": answers.get(c["key"])} for c in playbook.checks] if playbook else [],
        "rubric": selectors.rubric_result(item) if curator else None,
        "catalogues": Catalogue.objects.order_by("title") if curator else [],
        "invite_projects": invite_projects,
        "ConsentStatus": ConsentStatus,
        "CurationStatus": CurationStatus,
        "nav": "showcase",
    }


@require_GET
def item(request: HttpRequest, slug: str) -> HttpResponse:
    found = _item(request, slug)
    return render(request, "showcase/item.html", _item_context(request, found))


@require_GET
def item_file(request: HttpRequest, slug: str, file_uuid: uuid.UUID) -> FileResponse:
    found = _item(request, slug)
    chosen = found.files.select_related("submission_file").filter(uuid=file_uuid).first()
    if chosen is None:
        raise Http404("No such file.")
    stored = chosen.submission_file
    response = FileResponse(
        default_storage.open(str(stored.file.name), "rb"),
        as_attachment=not chosen.is_image,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- The author's pages -----------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    from rung.engagements.models import Engagement, EngagementStatus

    done = Engagement.objects.filter(candidate=user, status=EngagementStatus.COMPLETED, showcase_item__isnull=True)
    return render(
        request,
        "showcase/mine.html",
        {
            "items": selectors.items_for_author(user),
            "engagements": done.select_related("project__organisation"),
            "nav": "showcase",
        },
    )


def _input_from_post(request: HttpRequest, engagement_id: int) -> services.ItemInput:
    post = request.POST
    files: dict[str, str] = {}
    for file_uuid in post.getlist("files"):
        files[file_uuid] = post.get(f"alt_{file_uuid}", "")
    return services.ItemInput(
        title=post.get("title", ""),
        summary=post.get("summary", ""),
        links=[line for line in post.get("links", "").splitlines() if line.strip()],
        skills=post.getlist("skills"),
        files=files,
        contactable=post.get("contactable") == "on",
    )


def _edit_context(engagement_id: int, data: services.ItemInput | None, error: str = "") -> dict[str, Any]:
    return {
        "data": data,
        "error": error,
        "submission_files": selectors.submission_files_for(engagement_id),
        "skills": Skill.objects.filter(curated=True).order_by("name"),
        "nav": "showcase",
    }


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, engagement_uuid: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    try:
        engagement = get_engagement_for_user(user, str(engagement_uuid))
    except NotFound:
        raise Http404("No such engagement.") from None
    if engagement.candidate_id != user.pk:
        raise Http404("No such engagement.")
    data = None
    error = ""
    if request.method == "POST":
        data = _input_from_post(request, engagement.pk)
        try:
            made = services.create_item(engagement, author=user, data=data)
        except DomainError as exc:
            error = exc.message
        else:
            flash.success(request, "Saved as a draft. Ask the employer for consent when it is ready.")
            return redirect("showcase:item", slug=made.slug)
    context = _edit_context(engagement.pk, data, error)
    context.update(engagement=engagement, title="Showcase your work")
    return render(request, "showcase/edit.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = request_user(request)
    found = _item(request, slug)
    if found.author_id != user.pk:
        raise Http404("No such showcase item.")
    error = ""
    if request.method == "POST":
        data = _input_from_post(request, found.engagement_id)
        try:
            services.update_item(found, author=user, data=data)
        except DomainError as exc:
            error = exc.message
        else:
            flash.success(request, "Changes saved.")
            return redirect("showcase:item", slug=found.slug)
    else:
        data = services.ItemInput(
            title=found.title,
            summary=found.summary,
            links=list(found.links),
            skills=[s.slug for s in found.skills.all()],
            files={str(f.submission_file.uuid): f.alt_text for f in found.files.select_related("submission_file")},
            contactable=found.contactable,
        )
    context = _edit_context(found.engagement_id, data, error)
    context.update(engagement=found.engagement, item=found, title=f"Change “{found.title}”")
    return render(request, "showcase/edit.html", context, status=400 if error else 200)


def _act(request: HttpRequest, slug: str, action: Any, done: str) -> HttpResponse:
    found = _item(request, slug)
    try:
        action(found, request_user(request))
    except NotFound:
        raise Http404("No such showcase item.") from None
    except DomainError as exc:
        _fail(request, exc)
    else:
        flash.success(request, done)
    return redirect("showcase:item", slug=found.slug)


@login_required
@require_POST
def request_consent(request: HttpRequest, slug: str) -> HttpResponse:
    return _act(
        request,
        slug,
        lambda i, u: services.request_consent(i, author=u),
        "The employer has been asked for consent.",
    )


@login_required
@require_POST
def resubmit(request: HttpRequest, slug: str) -> HttpResponse:
    return _act(request, slug, lambda i, u: services.resubmit_item(i, author=u), "Sent to the curators again.")


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    return _act(request, slug, lambda i, u: services.withdraw_item(i, author=u), "The item is withdrawn.")


# --- The employer's pages ---------------------------------------------------------------------


@login_required
@require_POST
def consent(request: HttpRequest, slug: str) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    reason = request.POST.get("reason", "")
    return _act(
        request,
        slug,
        lambda i, u: services.decide_consent(i, actor=u, approve=approve, reason=reason),
        "Consent given: a curator will look at it next." if approve else "Declined; the intern is told your reason.",
    )


@login_required
@require_POST
def withdraw_consent(request: HttpRequest, slug: str) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(
        request,
        slug,
        lambda i, u: services.withdraw_consent(i, actor=u, reason=reason),
        "Consent withdrawn; the item is no longer public.",
    )


@login_required
@require_GET
def consent_requests(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.consent_requests_for(request_user(request)), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "showcase/consent_requests.html", {"page_obj": page, "query_prefix": "", "nav": "showcase"})


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    user = request_user(request)
    found = _item(request, slug)
    project = Project.objects.filter(uuid=_uuid_or_none(request.POST.get("project", ""))).first()
    if project is None:
        flash.error(request, "Choose one of your open projects.")
        return redirect("showcase:item", slug=found.slug)
    try:
        services.invite_to_apply(found, actor=user, project=project, message=request.POST.get("message", ""))
    except DomainError as exc:
        _fail(request, exc)
    else:
        flash.success(request, "Invitation sent. The author decides whether to apply.")
    return redirect("showcase:item", slug=found.slug)


def _uuid_or_none(value: str) -> str:
    # An impossible uuid matches nothing, so a bad value reads as "not found", never a 500.
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return str(uuid.UUID(int=0))


@login_required
@require_POST
def project_policy(request: HttpRequest, project_uuid: uuid.UUID) -> HttpResponse:
    user = request_user(request)
    project = Project.objects.filter(uuid=project_uuid).first()
    if project is None:
        raise Http404("No such project.")
    try:
        services.set_project_policy(
            project,
            actor=user,
            confidential=request.POST.get("confidential") == "on",
            licensing_opt_in=request.POST.get("licensing_opt_in") == "on",
        )
    except NotFound:
        raise Http404("No such project.") from None
    except DomainError as exc:
        _fail(request, exc)
    else:
        flash.success(request, "Showcase settings saved.")
    return redirect("projects:detail", project_uuid=project.uuid)


# --- Curators ---------------------------------------------------------------------------------


def _curator(request: HttpRequest) -> Any:
    user = request_user(request)
    if not services.is_curator(user):
        raise Http404("No such page")
    return user


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _curator(request)
    page = Paginator(selectors.curation_queue(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "showcase/queue.html",
        {"page_obj": page, "playbook": services.current_playbook(), "query_prefix": "", "nav": "showcase"},
    )


@login_required
@require_POST
def check(request: HttpRequest, slug: str) -> HttpResponse:
    curator = _curator(request)
    found = _item(request, slug)
    try:
        services.record_check(
            found,
            curator=curator,
            key=request.POST.get("key", ""),
            passed=request.POST.get("passed") == "yes",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        _fail(request, exc)
    return redirect(reverse("showcase:item", args=[found.slug]) + "#curation")


@login_required
@require_POST
def decide(request: HttpRequest, slug: str) -> HttpResponse:
    curator = _curator(request)
    found = _item(request, slug)
    chosen = Catalogue.objects.filter(uuid=_uuid_or_none(request.POST.get("catalogue", ""))).first()
    try:
        services.decide_item(
            found,
            curator=curator,
            decision=request.POST.get("decision", ""),
            notes=request.POST.get("notes", ""),
            catalogue=chosen,
        )
    except DomainError as exc:
        _fail(request, exc)
        return redirect(reverse("showcase:item", args=[found.slug]) + "#curation")
    flash.success(request, "Decision recorded.")
    return redirect("showcase:queue")


@login_required
@require_http_methods(["GET", "POST"])
def new_catalogue(request: HttpRequest) -> HttpResponse:
    curator = _curator(request)
    error = ""
    if request.method == "POST":
        skill = Skill.objects.filter(slug=request.POST.get("skill", "")).first()
        try:
            made = services.create_catalogue(
                curator=curator,
                kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""),
                intro=request.POST.get("intro", ""),
                skill=skill,
                public=request.POST.get("public") == "on",
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("showcase:catalogue", slug=made.slug)
    return render(
        request,
        "showcase/new_catalogue.html",
        {
            "error": error,
            "kinds": CatalogueKind.choices,
            "skills": Skill.objects.filter(curated=True).order_by("name"),
            "post": request.POST,
            "nav": "showcase",
        },
        status=400 if error else 200,
    )


# --- Portfolios -------------------------------------------------------------------------------


@require_GET
def portfolio(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = selectors.get_public_portfolio(slug)
    except NotFound:
        raise Http404("No such portfolio.") from None
    response = render(
        request,
        "showcase/portfolio.html",
        {
            "portfolio": found,
            "credentials": selectors.portfolio_credentials(found) if found.show_credentials else [],
            "items": selectors.portfolio_items(found) if found.show_showcase else [],
            "endorsements": selectors.portfolio_endorsements(found) if found.show_endorsements else [],
            "recognitions": selectors.portfolio_recognitions(found) if found.show_recognitions else [],
            "photo": selectors.portfolio_photo(found),
        },
    )
    if not found.indexable:
        response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def portfolio_photo(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The photo of a published portfolio whose owner chose to show it there; 404 otherwise."""
    try:
        found = selectors.get_public_portfolio(slug)
    except NotFound:
        raise Http404("No such portfolio.") from None
    profile = selectors.portfolio_photo(found)
    if profile is None:
        raise Http404("No photo.")
    return photo_response(profile)


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_edit(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    existing = Portfolio.objects.filter(user=user).first()
    error = ""
    if request.method == "POST":
        post = request.POST
        data = services.PortfolioInput(
            slug=post.get("slug", ""),
            display_name=post.get("display_name", ""),
            headline=post.get("headline", ""),
            **{
                name: post.get(name) == "on"
                for name in (
                    "published",
                    "indexable",
                    "show_credentials",
                    "show_showcase",
                    "show_endorsements",
                    "show_recognitions",
                    "show_email",
                )
            },
        )
        try:
            services.save_portfolio(user, data=data)
        except DomainError as exc:
            error = exc.message
        else:
            flash.success(request, "Portfolio saved.")
            return redirect("showcase:portfolio_edit")
    return render(
        request,
        "showcase/portfolio_edit.html",
        {"portfolio": existing, "error": error, "post": request.POST, "nav": "showcase"},
        status=400 if error else 200,
    )


# --- Reports and moderation -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, kind: str, target_uuid: uuid.UUID) -> HttpResponse:
    target = selectors.public_target(kind, target_uuid) if kind in TargetKind.values else None
    if target is None:
        raise Http404("No such public item.")
    error = ""
    if request.method == "POST":
        try:
            services.report_item(kind, target_uuid, reporter=_user(request), reason=request.POST.get("reason", ""))
        except DomainError as exc:
            error = exc.message
        else:
            flash.success(request, "Thank you. Rung staff will look at what you reported.")
            return redirect(target.url_name, target.url_arg)
    return render(request, "showcase/report.html", {"target": target, "error": error}, status=400 if error else 200)


def _staff(request: HttpRequest) -> Any:
    user = request_user(request)
    if not user.is_staff:
        raise Http404("No such page")
    return user


@login_required
@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    _staff(request)
    show_all = request.GET.get("show") == "all"
    page = Paginator(selectors.moderation_queue(show_all=show_all), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "showcase/moderation.html",
        {
            "page_obj": page,
            "show_all": show_all,
            "taken_down": selectors.taken_down_items()[:50],
            "query_prefix": "show=all&" if show_all else "",
            "nav": "showcase",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, kind: str, target_uuid: uuid.UUID) -> HttpResponse:
    staff = _staff(request)
    if kind not in TargetKind.values:
        raise Http404("No such item.")
    target = selectors.public_target(kind, target_uuid, include_taken_down=True)
    if target is None:
        raise Http404("No such item.")
    if request.method == "POST":
        action = request.POST.get("action", "")
        text = request.POST.get("reason", "")
        try:
            if action == "take_down":
                services.take_down(kind, target_uuid, staff=staff, reason=text)
            elif action == "restore":
                services.restore(kind, target_uuid, staff=staff, note=text)
            elif action == "dismiss":
                found = Report.objects.filter(uuid=_uuid_or_none(request.POST.get("report", ""))).first()
                if found is None:
                    raise services.ShowcaseError("Choose the report to dismiss.")
                services.dismiss_report(found, staff=staff, note=text)
            else:
                raise services.ShowcaseError("Choose take down, restore or dismiss.")
        except DomainError as exc:
            _fail(request, exc)
        else:
            flash.success(request, "Done; the owner is told.")
        return redirect("showcase:moderate", kind=kind, target_uuid=target_uuid)
    return render(
        request,
        "showcase/moderate.html",
        {
            "target": target,
            "taken_down": selectors.is_taken_down(kind, target_uuid),
            "reports": Report.objects.filter(target_kind=kind, target_uuid=target_uuid).order_by("-created_at"),
            "nav": "showcase",
        },
    )


# --- Licensing --------------------------------------------------------------------------------


@login_required
@require_POST
def offer_licence(request: HttpRequest, slug: str) -> HttpResponse:
    post = request.POST
    return _act(
        request,
        slug,
        lambda i, u: licensing.offer_licence(
            i,
            author=u,
            price=post.get("price", ""),
            currency=post.get("currency", ""),
            permitted_use=post.get("permitted_use", ""),
            attribution=post.get("attribution", ""),
        ),
        "Offered for licence.",
    )


@login_required
@require_POST
def offer_status(request: HttpRequest, slug: str) -> HttpResponse:
    found = _item(request, slug)
    offer = LicenceOffer.objects.filter(item=found).first()
    if offer is None:
        raise Http404("No licence offer.")
    try:
        licensing.set_offer_status(offer, actor=request_user(request), to=request.POST.get("status", ""))
    except DomainError as exc:
        _fail(request, exc)
    else:
        flash.success(request, "Licence offer updated.")
    return redirect("showcase:item", slug=found.slug)


@login_required
@require_POST
def buy_licence(request: HttpRequest, slug: str) -> HttpResponse:
    from rung.orgs.models import Organisation

    found = _item(request, slug)
    offer = LicenceOffer.objects.filter(item=found).first()
    buyer = Organisation.objects.filter(slug=request.POST.get("organisation", "")).first()
    if offer is None or buyer is None:
        flash.error(request, "Choose the organisation that buys the licence.")
        return redirect("showcase:item", slug=found.slug)
    try:
        purchase = licensing.buy_licence(offer, buyer=buyer, actor=request_user(request))
    except DomainError as exc:
        _fail(request, exc)
        return redirect("showcase:item", slug=found.slug)
    flash.success(request, "Licence bought. This is your signed licence record.")
    return redirect("showcase:licence", purchase_uuid=purchase.uuid)


@login_required
@require_GET
def licence(request: HttpRequest, purchase_uuid: uuid.UUID) -> HttpResponse:
    from rung.orgs.models import Membership

    user = request_user(request)
    purchase = LicencePurchase.objects.select_related("offer__item", "buyer").filter(uuid=purchase_uuid).first()
    if purchase is None:
        raise Http404("No such licence.")
    item = purchase.offer.item
    member_of = Membership.objects.filter(user=user, organisation_id__in=[purchase.buyer_id, item.organisation_id])
    if not (user.is_staff or item.author_id == user.pk or member_of.exists()):
        raise Http404("No such licence.")
    return render(
        request,
        "showcase/licence.html",
        {
            "purchase": purchase,
            "item": item,
            "valid": licensing.verify_record(purchase),
            "price": format_money(purchase.price_minor, purchase.currency),
            "author_share": format_money(purchase.author_minor, purchase.currency),
            "employer_share": format_money(purchase.employer_minor, purchase.currency),
            "fee": format_money(purchase.fee_minor, purchase.currency),
            "nav": "showcase",
        },
    )
