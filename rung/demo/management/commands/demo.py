from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from rung.demo.education import finish_education
from rung.demo.generator import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Create (or refresh) the demo data and print the demo logins. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's people have made-up addresses; generating them must not mail anyone,
        # nor bury the logins under a screenful of console e-mails.
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
        logins = build_demo()
        finish_education()  # needs the credit that build_demo's committed work awarded
        self.stdout.write(self.style.SUCCESS(f"\nRung demo is ready at {settings.SITE_URL}\n"))
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}\n")
        width = max(len(login.role) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.role.ljust(width)}  {login.email}")
        self.stdout.write("\nE-mails (verification links and the like) are printed in this terminal.\n")
