"""Pages of messaging: the inbox, a conversation (refreshed by HTMX, usable without JavaScript),
starting an engagement's conversation, asking about a project, reporting, and staff moderation."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, cast

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rung.accounts.requests import add_form_error, fetch_for_request, request_user
from rung.engagements.selectors import get_engagement_for_user
from rung.lib.errors import DomainError
from rung.messaging import selectors, services
from rung.messaging.forms import MessageForm, ModerationForm, ReportForm
from rung.messaging.models import Conversation, Message, ReportStatus
from rung.projects.selectors import get_project_for_user
from rung.reviews.views import attachment_response

INBOX_PAGE_SIZE = 20
MODERATION_PAGE_SIZE = 20
SHOWN_MESSAGES = 50  # the latest ones; "show earlier" shows them all
POLL_SECONDS = 5


_fetch = fetch_for_request


def _form_error(form: Any, exc: DomainError) -> None:
    # The services name the API's fields; the form calls its file input "attachments".
    add_form_error(form, exc, renames={"files": "attachments"})


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def staff_required[**P](
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Logged-out people are sent to log in; logged-in people who are not staff find nothing here."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request_user(request).is_staff:
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapper


# --- Inbox ----------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = Paginator(selectors.inbox(user), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    items = [{"conversation": c, "title": selectors.title_for(c, user)} for c in page]
    return render(request, "messaging/inbox.html", {"page_obj": page, "items": items, "nav": "messages"})


# --- A conversation -------------------------------------------------------------------------


def _conversation_context(
    request: HttpRequest, conversation: Conversation, *, form: MessageForm | None = None
) -> dict[str, Any]:
    user = request_user(request)
    show_all = request.GET.get("all") == "1"
    shown = selectors.messages_of(conversation, limit=None if show_all else SHOWN_MESSAGES)
    last = shown[-1] if shown else None
    if last is not None:
        services.mark_read(conversation, user=user, up_to=last.pk)
    return {
        "conversation": conversation,
        "title": selectors.title_for(conversation, user),
        "audience": selectors.audience(conversation, user),
        "rows": selectors.rows_for(shown, viewer=user, conversation=conversation),
        "earlier": 0 if show_all else selectors.earlier_count(conversation, shown[0] if shown else None),
        "last": last,
        "form": form or MessageForm(),
        "poll_seconds": POLL_SECONDS,
        "nav": "messages",
    }


def _new_since(request: HttpRequest, conversation: Conversation, after_id: int) -> dict[str, Any]:
    user = request_user(request)
    new = selectors.messages_of(conversation, after_id=after_id)
    last = new[-1] if new else None
    if last is not None:
        services.mark_read(conversation, user=user, up_to=last.pk)
    return {
        "conversation": conversation,
        "rows": selectors.rows_for(new, viewer=user, conversation=conversation),
        "last_uuid": last.uuid if last else request.POST.get("after") or request.GET.get("after", ""),
        "poll_seconds": POLL_SECONDS,
        "unread_messages": selectors.unread_count(user),
    }


def _after_id(request: HttpRequest, conversation: Conversation) -> int | None:
    """The id of the last message the page shows (its uuid is sent); 0 for none, None if unknown."""
    after = (request.POST.get("after") if request.method == "POST" else request.GET.get("after")) or ""
    if not after:
        return 0
    return selectors.message_id_for(conversation, after)


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest, conversation_uuid: str) -> HttpResponse:
    item = _fetch(selectors.get_conversation_for_user, request, conversation_uuid)
    if request.method == "GET":
        return render(request, "messaging/conversation.html", _conversation_context(request, item))
    form = MessageForm(request.POST, request.FILES)
    message: Message | None = None
    if form.is_valid():
        try:
            message = services.send_message(
                item,
                sender=request_user(request),
                body=form.cleaned_data["body"],
                files=form.cleaned_data["attachments"],
            )
        except DomainError as exc:
            _form_error(form, exc)
    if _is_htmx(request):
        after_id = _after_id(request, item)
        context = _new_since(request, item, after_id or 0) if after_id is not None else {"rows": []}
        # Sent: a fresh form plus the new messages; refused: the form with its errors and the text kept.
        # 200 either way, because htmx swaps nothing for a 4xx.
        return render(
            request,
            "messaging/_posted.html",
            {**context, "conversation": item, "form": MessageForm() if message else form, "oob": True},
        )
    if message is not None:
        return redirect(reverse("messaging:conversation", args=[item.uuid]) + f"#message-{message.uuid}")
    return render(request, "messaging/conversation.html", _conversation_context(request, item, form=form), status=400)


STOP_POLLING = 286  # htmx stops an `every` trigger on this status


@require_GET
def updates(request: HttpRequest, conversation_uuid: str) -> HttpResponse:
    """What the page polls: messages after the last one it shows, or 204 when there are none."""
    if not request.user.is_authenticated:
        # Logged out meanwhile (another tab, an expired session): stop polling rather than swap
        # the log-in page into the conversation. Without htmx, go and log in.
        if _is_htmx(request):
            return HttpResponse(status=STOP_POLLING)
        return redirect_to_login(request.get_full_path())
    item = _fetch(selectors.get_conversation_for_user, request, conversation_uuid)
    if not _is_htmx(request):
        return redirect("messaging:conversation", conversation_uuid=item.uuid)
    after_id = _after_id(request, item)
    if after_id is None:
        return HttpResponse(status=204)
    context = _new_since(request, item, after_id)
    if not context["rows"]:
        return HttpResponse(status=204)
    return render(request, "messaging/_updates.html", {**context, "oob": True})


# --- Starting a conversation ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def engagement(request: HttpRequest, engagement_uuid: str) -> HttpResponse:
    """The engagement's conversation: shown if it exists, otherwise a form to start it."""
    user = request_user(request)
    item = _fetch(get_engagement_for_user, request, engagement_uuid)
    existing = selectors.engagement_conversation(item)
    if existing is not None:
        if not selectors.is_participant(user, existing):
            raise Http404("Not found")
        return redirect("messaging:conversation", conversation_uuid=existing.uuid)
    if not selectors.takes_part_in_engagement(user, item):
        # A viewer of the employer, or a mentor of it not assigned here: not part of the conversation.
        raise Http404("Not found")
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.send_engagement_message(
                item, sender=user, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"]
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect(
                reverse("messaging:conversation", args=[message.conversation.uuid]) + f"#message-{message.uuid}"
            )
    return render(
        request,
        "messaging/start.html",
        {
            "form": form,
            "heading": f"Conversation about “{item.project.title}”",
            "intro": "Nobody has written here yet. The intern, the employer's owners, managers and reviewers, "
            "and the mentor read and write in this conversation; nobody else does.",
            "back_url": reverse("engagements:detail", args=[item.uuid]),
            "back_label": "Back to the engagement",
            "nav": "messages",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, project_uuid: str) -> HttpResponse:
    """A candidate's private question to the employer about a project, before applying."""
    user = request_user(request)
    project, membership = _fetch(get_project_for_user, request, project_uuid)
    existing = selectors.question_thread(user, project.pk)
    if existing is not None:
        return redirect("messaging:conversation", conversation_uuid=existing.uuid)
    if membership is not None:
        raise DjangoPermissionDenied("You are a member of this organisation.")
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.ask_question(
                project, candidate=user, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"]
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            flash.success(request, f"Your question went to {project.organisation.name}.")
            return redirect(
                reverse("messaging:conversation", args=[message.conversation.uuid]) + f"#message-{message.uuid}"
            )
    return render(
        request,
        "messaging/start.html",
        {
            "form": form,
            "heading": f"Ask {project.organisation.name} about “{project.title}”",
            "intro": f"Your question goes privately to the owners, managers and reviewers of "
            f"{project.organisation.name}. They do not see your name, so asking does not affect a blind "
            "first pass; other candidates do not see your question.",
            "back_url": reverse("projects:detail", args=[project.uuid]),
            "back_label": "Back to the project",
            "nav": "messages",
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Files, reports -------------------------------------------------------------------------


@login_required
@require_GET
def download(request: HttpRequest, attachment_uuid: str) -> FileResponse:
    item = _fetch(selectors.get_attachment_for_user, request, attachment_uuid)
    try:
        handle = default_storage.open(item.file.name or "", "rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    # The same locked-down download as a submission's (it reads only the name and the type served).
    return attachment_response(handle, cast(Any, item))


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, message_uuid: str) -> HttpResponse:
    user = request_user(request)
    message = _fetch(selectors.get_message_for_user, request, message_uuid)
    conversation = message.conversation
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_message(message, reporter=user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _form_error(form, exc)
        else:
            flash.success(request, "Thank you. Rung staff will look at the message you reported.")
            return redirect("messaging:conversation", conversation_uuid=conversation.uuid)
    return render(
        request,
        "messaging/report.html",
        {
            "form": form,
            "message": message,
            "sender": selectors.sender_label(message, viewer=user, conversation=conversation),
            "conversation": conversation,
            "nav": "messages",
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Staff moderation -----------------------------------------------------------------------


@staff_required
@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    reports = selectors.reports_for_staff(request_user(request), open_only=show != "all")
    page = Paginator(reports, MODERATION_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "messaging/moderation.html",
        {"page_obj": page, "show": show, "query_prefix": "show=all&" if show == "all" else "", "nav": "messages"},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def moderation_report(request: HttpRequest, report_uuid: str) -> HttpResponse:
    staff = request_user(request)
    context = _fetch(selectors.get_report_for_staff, request, report_uuid)
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        try:
            if action == "hide":
                services.hide_message(context.report, staff=staff, note=form.cleaned_data["note"])
                flash.success(request, "The message is hidden from the conversation.")
            elif action == "dismiss":
                services.dismiss_report(context.report, staff=staff, note=form.cleaned_data["note"])
                flash.success(request, "Report dismissed; the message stays.")
            else:
                form.add_error(None, "Choose to hide the message or to dismiss the report.")
        except DomainError as exc:
            _form_error(form, exc)
        if not form.errors:
            return redirect("messaging:moderation")
    return render(
        request,
        "messaging/moderation_report.html",
        {
            "context": context,
            "report": context.report,
            "message": context.report.message,
            "form": form,
            "is_open": context.report.status == ReportStatus.OPEN,
            "nav": "messages",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, conversation_uuid: str) -> HttpResponse:
    item = _fetch(selectors.get_conversation_for_user, request, conversation_uuid)
    services.mark_read(item, user=request_user(request))
    return redirect("messaging:inbox")
