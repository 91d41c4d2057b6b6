from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rung.accounts.models import User
from rung.lib.errors import DomainError
from rung.profiles import services
from rung.profiles.forms import ProfileForm, WindowFormSet
from rung.profiles.selectors import get_or_create_profile, profile_completeness


@login_required
def edit_profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    profile = get_or_create_profile(user)
    current = services.profile_to_input(profile)
    if request.method == "POST":
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
            "nav": "profile",
        },
        status=400 if request.method == "POST" else 200,
    )
