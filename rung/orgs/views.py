from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from rung.accounts.requests import request_user
from rung.lib.errors import DomainError, NotFound, PermissionDenied
from rung.orgs import selectors, services
from rung.orgs.forms import (
    InviteForm,
    OrganisationEditForm,
    OrganisationForm,
    RoleForm,
    StaffOrgFilterForm,
    VerificationForm,
)
from rung.orgs.models import Invitation, Membership, Organisation, role_can


def _fetch(request: HttpRequest, slug: str, permission: str = "view") -> tuple[Organisation, Membership | None]:
    try:
        return selectors.get_org_for_user(request_user(request), slug, permission=permission)
    except NotFound:
        raise Http404("No such organisation") from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from None


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "orgs/list.html",
        {
            "memberships": selectors.memberships_for_user(user),
            "invitations": selectors.invitations_for_user(user),
            "nav": "orgs",
        },
    )


@login_required
def org_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_organisation(actor=request_user(request), **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                f"{org.name} is set up. Rung staff will verify it soon; until then you can "
                "invite colleagues and prepare drafts.",
            )
            return redirect("orgs:detail", slug=org.slug)
    return render(
        request, "orgs/create.html", {"form": form, "nav": "orgs"}, status=400 if request.method == "POST" else 200
    )


@login_required
def org_detail(request: HttpRequest, slug: str) -> HttpResponse:
    org, membership = _fetch(request, slug)
    can_manage = membership is not None and role_can(membership.role, "manage_members")
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "membership": membership,
            "members": selectors.members_of(org),
            "owner_count": org.memberships.filter(role="owner").count(),
            "invitations": selectors.open_invitations(org) if can_manage else [],
            "can_manage": can_manage,
            "can_edit": membership is not None and role_can(membership.role, "edit_org"),
            "invite_form": InviteForm(),
            "role_choices": RoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
            "verification_form": VerificationForm(initial={"status": org.verification}),
            "nav": "orgs",
        },
    )


@login_required
def org_edit(request: HttpRequest, slug: str) -> HttpResponse:
    org, membership = _fetch(request, slug, "edit_org")
    form = OrganisationEditForm(
        request.POST or None, initial={"name": org.name, "website": org.website, "description": org.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(org, membership=membership, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Saved.")
            return redirect("orgs:detail", slug=org.slug)
    return render(
        request,
        "orgs/edit.html",
        {"form": form, "org": org, "nav": "orgs"},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    org, membership = _fetch(request, slug, "manage_members")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation, _raw = services.invite_member(org, membership=membership, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"Invitation sent to {invitation.email}. It expires on {invitation.expires_at:%d %B %Y}."
            )
    else:
        messages.error(request, "Give a valid e-mail address and a role to invite someone.")
    return redirect("orgs:detail", slug=org.slug)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, slug: str, invitation_uuid: str) -> HttpResponse:
    org, membership = _fetch(request, slug, "manage_members")
    invitation = get_object_or_404(Invitation, uuid=invitation_uuid, organisation=org)
    try:
        services.revoke_invitation(invitation, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("orgs:detail", slug=org.slug)


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, membership_uuid: str) -> HttpResponse:
    org, membership = _fetch(request, slug, "manage_members")
    target = get_object_or_404(Membership, uuid=membership_uuid, organisation=org)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return redirect("orgs:detail", slug=org.slug)
    try:
        services.change_role(target, membership=membership, role=form.cleaned_data["role"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{target.user} is now {target.get_role_display().lower()}.")
    return redirect("orgs:detail", slug=org.slug)


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, membership_uuid: str) -> HttpResponse:
    org, membership = _fetch(request, slug)
    target = get_object_or_404(Membership, uuid=membership_uuid, organisation=org)
    leaving = membership is not None and membership.pk == target.pk
    try:
        services.remove_member(target, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("orgs:detail", slug=org.slug)
    if leaving:
        messages.success(request, f"You have left {org.name}.")
        return redirect("orgs:list")
    messages.success(request, f"{target.user} was removed from {org.name}.")
    return redirect("orgs:detail", slug=org.slug)


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_invitation(token)
    if not request.user.is_authenticated:
        return render(request, "orgs/invitation.html", {"invitation": invitation, "token": token})
    if request.method == "POST":
        try:
            membership = services.accept_invitation(raw_token=token, user=request_user(request))
        except DomainError as exc:
            return render(
                request,
                "orgs/invitation.html",
                {"invitation": invitation, "token": token, "error": exc.message},
                status=400,
            )
        messages.success(request, f"Welcome to {membership.organisation.name}.")
        return redirect("orgs:detail", slug=membership.organisation.slug)
    return render(request, "orgs/invitation.html", {"invitation": invitation, "token": token})


@staff_member_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "orgs/verification_queue.html",
        {
            "orgs": selectors.verification_queue().prefetch_related("memberships__user"),
            "nav": "staff",
        },
    )


@staff_member_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """Every organisation, for staff: search, filter by kind and verification, act from the list."""
    form = StaffOrgFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    orgs = selectors.organisations_for_staff(
        query=filters.get("q", ""), kind=filters.get("kind", ""), verification=filters.get("verification", "")
    )
    page = Paginator(orgs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orgs/staff_list.html",
        {
            "form": form,
            "page_obj": page,
            "query_prefix": f"{query.urlencode()}&" if query else "",
            "here": request.get_full_path(),
            "nav": "staff_orgs",
        },
    )


@staff_member_required
@require_POST
def set_verification(request: HttpRequest, slug: str) -> HttpResponse:
    org = get_object_or_404(Organisation, slug=slug)
    form = VerificationForm(request.POST)
    if form.is_valid():
        try:
            org = services.set_verification(org, staff=request_user(request), **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{org.name}: {org.get_verification_display()}.")
    else:
        messages.error(request, "Choose a verification status.")
    if request.POST.get("back") == "queue":
        return redirect("orgs:verification_queue")
    back = request.POST.get("back", "")
    if back.startswith(reverse("orgs:staff_list")) and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return redirect(back)  # the staff list, with its search and page kept
    return redirect("orgs:detail", slug=org.slug)
