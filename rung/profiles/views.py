from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rung.accounts.models import User
from rung.lib.errors import DomainError
from rung.profiles import photos, services
from rung.profiles.forms import ProfileForm, WindowFormSet
from rung.profiles.selectors import get_or_create_profile, profile_completeness


@login_required
def edit_profile(request: HttpRequest, *, photo_error: str = "") -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    profile = get_or_create_profile(user)
    current = services.profile_to_input(profile)
    if request.method == "POST" and not photo_error:
        form = ProfileForm(request.POST)
        windows = WindowFormSet(request.POST, prefix="windows")
        if form.is_valid() and windows.is_valid():
            data = services.ProfileInput(
                **{k: v for k, v in form.cleaned_data.items() if k not in ("skills", "other_skills")},
                skill_slugs=form.cleaned_data["skills"],
                other_skills=form.cleaned_data["other_skills"],
                windows=[(w["starts_on"], w["ends_on"]) for w in windows.cleaned_data if w.get("starts_on")],
            )
            try:
                services.update_profile(user, data=data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "Your profile has been saved.")
                return redirect("profiles:edit")
    else:
        form = ProfileForm(
            initial={
                **{
                    k: getattr(current, k)
                    for k in (
                        "headline",
                        "bio",
                        "hours_per_week",
                        "timezone",
                        "location",
                        "remote_preference",
                        "institution",
                        "programme",
                        "expected_graduation",
                    )
                },
                "skills": current.skill_slugs,
                "other_skills": ", ".join(current.other_skills),
                "links": "\n".join(current.links),
            }
        )
        windows = WindowFormSet(prefix="windows", initial=[{"starts_on": s, "ends_on": e} for s, e in current.windows])
    return render(
        request,
        "profiles/edit.html",
        {
            "form": form,
            "windows": windows,
            "completeness": profile_completeness(profile),
            "profile": profile,
            "photo_error": photo_error,
            "nav": "profile",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def photo(request: HttpRequest) -> HttpResponse:
    """Upload, describe or remove the candidate's own photo."""
    user = request.user
    assert isinstance(user, User)
    post = request.POST
    upload = request.FILES.get("photo")
    try:
        if post.get("action") == "remove":
            photos.remove_photo(user)
            messages.success(request, "Your photo has been removed.")
        elif upload is not None:
            photos.set_photo(
                user,
                stream=upload,
                name=upload.name or "photo",
                size=upload.size or 0,
                alt=post.get("photo_alt", ""),
                on_portfolio=bool(post.get("photo_on_portfolio")),
            )
            messages.success(request, "Your photo has been saved.")
        else:
            photos.update_photo_settings(
                user, alt=post.get("photo_alt", ""), on_portfolio=bool(post.get("photo_on_portfolio"))
            )
            messages.success(request, "Your photo settings have been saved.")
    except DomainError as exc:
        request.method = "GET"
        response = edit_profile(request, photo_error=exc.message)
        response.status_code = 400
        return response
    return redirect("profiles:edit")


@login_required
def my_photo(request: HttpRequest) -> HttpResponseBase:
    user = request.user
    assert isinstance(user, User)
    profile = get_or_create_profile(user)
    if not profile.photo:
        raise Http404("No photo.")
    return photos.photo_response(profile)
