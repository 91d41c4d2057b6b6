from typing import Any

from django.core.management.base import BaseCommand

from rung.applications.services import sweep


class Command(BaseCommand):
    help = "Close applications with no decision by the deadline and expire lapsed offers. Run every 15 minutes."

    def handle(self, *args: Any, **options: Any) -> None:
        closed, expired = sweep()
        self.stdout.write(f"Closed {closed} undecided application(s); expired {expired} offer(s).")
