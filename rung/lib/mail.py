"""E-mail: render a message from templates and send it through Django's mail backend.

Services call `send_templated_mail` inside their transaction; the message is handed to the
task queue only when the transaction commits, so a rolled-back change never e-mails anyone.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string


@task()
def deliver_mail(*, to: list[str], subject: str, text: str, html: str) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()


def render_mail(template_prefix: str, context: dict[str, Any]) -> tuple[str, str, str]:
    full_context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{template_prefix}_subject.txt", full_context).strip()
    # A header injection guard: subjects are always a single line.
    subject = " ".join(subject.split())
    text = render_to_string(f"{template_prefix}.txt", full_context)
    html = render_to_string(f"{template_prefix}.html", full_context)
    return subject, text, html


def send_templated_mail(to: str | list[str], template_prefix: str, context: dict[str, Any]) -> None:
    recipients = [to] if isinstance(to, str) else list(to)
    subject, text, html = render_mail(template_prefix, context)
    transaction.on_commit(lambda: deliver_mail.enqueue(to=recipients, subject=subject, text=text, html=html))
