"""Pages for a person's own payout details: masked view, change form, confirmation from the e-mail link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rung.accounts.requests import request_user
from rung.lib.errors import DomainError
from rung.payees import selectors, services

FIELDS = (
    "account_holder",
    "country",
    "iban",
    "bic",
    "sort_code",
    "account_number",
    "routing_number",
    "legal_name",
    "address",
    "tax_residence",
    "tax_id",
)


@login_required
@require_http_methods(["GET", "POST"])
def payout_details(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    values: dict[str, str] = {}
    error: DomainError | None = None
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in FIELDS}
        try:
            _, note = services.request_payout_details_change(user=user, values=values)
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                f"We sent a confirmation link to {user.email}. Your payout details change when you open it.",
            )
            if note:
                messages.info(request, note)
            return redirect("payees:details")
    # Secret values are never put back into the form: a failed attempt keeps only what is not secret.
    kept = {k: values.get(k, "") for k in ("country", "tax_residence")}
    return render(
        request,
        "payees/details.html",
        {
            "details": selectors.details_for(user),
            "pending": selectors.pending_change_for(user),
            "error": error,
            "values": kept,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    # GET only shows a button: mail scanners open links, and a change of bank account needs a person.
    if request.method == "GET":
        return render(request, "payees/confirm.html", {"token": token})
    try:
        details = services.confirm_payout_details_change(token=token, user=request_user(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Your payout details are now {details.masked}.")
    return redirect("payees:details")
