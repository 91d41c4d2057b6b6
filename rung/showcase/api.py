"""The showcase over the API: the public list and items, an author's own items, the employer's consent
and reports. Each endpoint calls the same selectors and services as the pages."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from rung.accounts.requests import request_user
from rung.lib.api import ErrorOut, Pagination
from rung.lib.errors import NotFound
from rung.showcase import selectors, services
from rung.showcase.models import ShowcaseItem
from rung.showcase.schemas import (
    ShowcaseConsentIn,
    ShowcaseItemOut,
    ShowcaseMyItemOut,
    ShowcaseReportIn,
    ShowcaseReportOut,
)

router = Router(tags=["showcase"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _out(item: ShowcaseItem, **extra: Any) -> dict[str, Any]:
    return {
        "uuid": item.uuid,
        "slug": item.slug,
        "title": item.title,
        "summary": item.summary,
        "organisation": item.organisation.name,
        "links": list(item.links),
        "skills": [s.name for s in item.skills.all()],
        "featured": item.featured,
        "licence": item.licence_rule.statement,
        "credential_uuid": item.credential.uuid if item.credential else None,
        "published_at": item.published_at,
        **extra,
    }


@router.get("/items", response=list[ShowcaseItemOut], auth=None, summary="Published showcase items, featured first")
@paginate(Pagination)
def list_items(request: HttpRequest, q: str = "", skill: str = "", featured: bool = False) -> list[dict[str, Any]]:
    items: QuerySet[ShowcaseItem] = selectors.search_public_items(q=q, skill=skill, featured=featured)
    return [_out(i) for i in items[:500]]


@router.get("/items/{slug}", response={200: ShowcaseItemOut, 404: ErrorOut}, auth=None, summary="A published item")
def get_item(request: HttpRequest, slug: str) -> dict[str, Any]:
    item = selectors.public_items().select_related("organisation", "credential").filter(slug=slug).first()
    if item is None:
        raise NotFound("No such showcase item.")
    return _out(item)


@router.get("/mine", response=list[ShowcaseMyItemOut], summary="Your own showcase items, with their statuses")
@paginate(Pagination)
def my_items(request: HttpRequest) -> list[dict[str, Any]]:
    items = selectors.items_for_author(request_user(request)).select_related("credential").prefetch_related("skills")
    return [
        _out(
            i,
            status=i.status,
            consent_status=i.consent_status,
            consent_reason=i.consent_reason,
            curator_notes=i.curator_notes,
        )
        for i in items[:500]
    ]


@router.post(
    "/items/{slug}/consent",
    response={200: ShowcaseMyItemOut, **ERRORS},
    summary="Consent to, or decline, showing an intern's work (owners and managers)",
)
def decide_consent(request: HttpRequest, slug: str, payload: ShowcaseConsentIn) -> dict[str, Any]:
    user = request_user(request)
    item = selectors.get_item_for_user(user, slug)
    item = services.decide_consent(item, actor=user, approve=payload.approve, reason=payload.reason)
    return _out(
        item,
        status=item.status,
        consent_status=item.consent_status,
        consent_reason=item.consent_reason,
        curator_notes=item.curator_notes,
    )


@router.post("/reports", response={201: ShowcaseReportOut, **ERRORS}, summary="Report a public item to staff")
def report(request: HttpRequest, payload: ShowcaseReportIn) -> Status:
    made = services.report_item(
        payload.kind, payload.target_uuid, reporter=request_user(request), reason=payload.reason
    )
    return Status(201, {"uuid": made.uuid, "status": made.status})
