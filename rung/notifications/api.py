from uuid import UUID

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from rung.accounts.requests import request_user
from rung.lib.api import ErrorOut, Pagination
from rung.notifications import selectors, services
from rung.notifications.models import Notification
from rung.notifications.schemas import MarkedOut, NotificationOut, UnreadOut

router = Router(tags=["notifications"])
ERRORS = {404: ErrorOut}


@router.get("", response=list[NotificationOut], summary="Your notifications, unread first")
@paginate(Pagination)
def list_notifications(request: HttpRequest, unread: bool = False):  # type: ignore[no-untyped-def]
    return selectors.notifications_for(request_user(request), unread_only=unread)


@router.get("/unread-count", response=UnreadOut, summary="How many notifications you have not read")
def get_unread_count(request: HttpRequest) -> UnreadOut:
    return UnreadOut(unread=selectors.unread_count(request_user(request)))


@router.post("/read-all", response=MarkedOut, summary="Mark all your notifications as read")
def mark_all_read(request: HttpRequest) -> MarkedOut:
    return MarkedOut(marked=services.mark_all_read(request_user(request)))


@router.post("/{uuid:notification_uuid}/read", response={200: NotificationOut, **ERRORS}, summary="Mark one as read")
def mark_read(request: HttpRequest, notification_uuid: UUID) -> Notification:
    user = request_user(request)
    notification = selectors.get_notification_for_user(user, notification_uuid)
    return services.mark_read(notification, user=user)
