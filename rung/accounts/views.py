from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from rung.accounts import services
from rung.accounts.forms import ApiTokenForm, EmailChangeForm, LoginForm, SignUpForm
from rung.accounts.models import ApiToken
from rung.accounts.requests import request_user
from rung.lib.errors import DomainError
from rung.lib.request_context import client_ip

# Where to go once the new account is confirmed (an invitation, say), kept in the session across
# the e-mail round trip, so that signing up from an invitation leads back to it.
AFTER_VERIFY_KEY = "rung_after_verify"


def _safe_next(request: HttpRequest, value: str) -> str:
    ok = url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return value if value and ok else ""


def signup(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next") or "")
    if request.user.is_authenticated:
        return redirect(next_url or "dashboard:home")
    initial = {"email": request.GET.get("email", "")[:254]}
    form = SignUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.register_user(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
            )
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            if next_url:
                request.session[AFTER_VERIFY_KEY] = next_url
            return render(request, "accounts/check_email.html", {"email": user.email, "next": next_url})
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.verify_email(token=token)
    except DomainError as exc:
        return render(request, "accounts/link_problem.html", {"message": exc.message}, status=400)
    messages.success(request, "Thank you — your e-mail address is confirmed. You can log in now.")
    next_url = _safe_next(request, request.session.pop(AFTER_VERIFY_KEY, "") or request.GET.get("next", ""))
    if next_url:
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
    return redirect("accounts:login")


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "dashboard:home")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.log_in(
                request=request,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = 429 if exc.code == "throttled" else 400
        else:
            login(request, user)
            return redirect(next_url or "dashboard:home")
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have logged out.")
    return redirect("accounts:login")


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    return render(
        request,
        "accounts/settings.html",
        {
            "email_form": EmailChangeForm(),
            "token_form": ApiTokenForm(),
            "tokens": user.api_tokens.all(),
        },
    )


@login_required
@require_POST
def change_email(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = EmailChangeForm(request.POST)
    if form.is_valid():
        try:
            services.request_email_change(
                user, new_email=form.cleaned_data["new_email"], password=form.cleaned_data["password"]
            )
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(
                request,
                f"We have sent a confirmation link to {form.cleaned_data['new_email']}. "
                "Your address changes when you open it.",
            )
            return redirect("accounts:settings")
    return render(
        request,
        "accounts/settings.html",
        {
            "email_form": form,
            "token_form": ApiTokenForm(),
            "tokens": user.api_tokens.all(),
        },
        status=400,
    )


def confirm_email_change(request: HttpRequest, token: str) -> HttpResponse:
    try:
        services.confirm_email_change(token=token)
    except DomainError as exc:
        return render(request, "accounts/link_problem.html", {"message": exc.message}, status=400)
    messages.success(request, "Your e-mail address has been changed.")
    return redirect("accounts:settings" if request.user.is_authenticated else "accounts:login")


@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = services.create_api_token(user, name=form.cleaned_data["name"])
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return render(request, "accounts/token_created.html", {"token": token, "raw": raw})
    return render(
        request,
        "accounts/settings.html",
        {
            "email_form": EmailChangeForm(),
            "token_form": form,
            "tokens": user.api_tokens.all(),
        },
        status=400,
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_uuid: str) -> HttpResponse:
    user = request_user(request)
    # Scoped to the user: someone else's token is simply not found.
    token = get_object_or_404(ApiToken, uuid=token_uuid, user=user)
    try:
        services.revoke_api_token(token, actor=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The token “{token.name}” has been revoked.")
    return redirect("accounts:settings")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_name": settings.SITE_NAME}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)
