from typing import Any

from django import template
from django.urls import reverse

from rung.accounts.models import User
from rung.engagements.models import Engagement
from rung.messaging.selectors import engagement_conversation, takes_part_in_engagement, unread_count, unread_in

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_message_count(context: dict[str, Any]) -> int:
    """Unread messages of the person viewing the page, for the navigation: one COUNT query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return 0
    return unread_count(user)


@register.simple_tag(takes_context=True)
def engagement_conversation_link(context: dict[str, Any], engagement: Engagement) -> dict[str, Any] | None:
    """The link to an engagement's conversation with its unread count, for those who take part (else None)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not takes_part_in_engagement(user, engagement):
        return None
    conversation = engagement_conversation(engagement)
    return {
        "url": reverse("messaging:engagement", args=[engagement.uuid]),
        "unread": unread_in(user, conversation) if conversation is not None else 0,
    }
