import pytest
from django.core.management import call_command

from rung.accounts.models import User
from rung.applications.models import Application
from rung.credentials.models import IssuedCredential
from rung.engagements.models import Engagement
from rung.ledger.selectors import check_ledger
from rung.orgs.models import Organisation
from rung.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.PAYOUT_PROVIDER = "sandbox"


def test_the_demo_builds_a_consistent_world_and_is_safe_to_rerun(sandbox, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # payouts and the credential follow commit
        call_command("demo")
    out = capsys.readouterr().out
    for email in (
        "maya@student.example",
        "olivia@northwind.example",
        "ravi@northwind.example",
        "meera@northwind.example",
        "ed@riverside.example",
        "staff@rung.example",
    ):
        assert email in out
        assert User.objects.get(email=email).check_password("rung-demo-2026")
    counts = (
        User.objects.count(),
        Organisation.objects.count(),
        Project.objects.count(),
        Application.objects.count(),
        Engagement.objects.count(),
        IssuedCredential.objects.count(),
    )
    assert Project.objects.count() >= 30
    assert set(Application.objects.values_list("status", flat=True)) >= {
        "submitted",
        "shortlisted",
        "offered",
        "accepted",
        "rejected",
        "withdrawn",
    }
    assert Organisation.objects.filter(verification="pending").exists()  # one employer awaits verification
    assert IssuedCredential.objects.filter(recipient__email="maya@student.example").exists()
    assert check_ledger() == []

    call_command("demo")
    assert (
        User.objects.count(),
        Organisation.objects.count(),
        Project.objects.count(),
        Application.objects.count(),
        Engagement.objects.count(),
        IssuedCredential.objects.count(),
    ) == counts
    assert check_ledger() == []
