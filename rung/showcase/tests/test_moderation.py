"""Anyone reports a public item; staff take it down with a reason the owner is told, and restore it."""

import uuid

import pytest

from rung.lib.errors import NotFound, PermissionDenied
from rung.notifications.models import Notification
from rung.showcase import services
from rung.showcase.models import ModerationStatus, Report, ReportStatus, TargetKind
from rung.showcase.selectors import is_public, moderation_queue


def test_anyone_reports_a_public_item(public_item, charlie):
    report = services.report_item(TargetKind.ITEM, public_item.uuid, reporter=charlie, reason="It shows a password.")
    anonymous = services.report_item(TargetKind.ITEM, public_item.uuid, reporter=None, reason="Personal data shown.")
    assert list(moderation_queue()) == [report, anonymous]
    assert anonymous.reporter is None


def test_it_refuses_reports_without_a_reason_or_of_unpublished_things(public_item, item, charlie):
    with pytest.raises(services.ShowcaseError, match="what is wrong"):
        services.report_item(TargetKind.ITEM, public_item.uuid, reporter=charlie, reason="bad")
    with pytest.raises(NotFound):
        services.report_item(TargetKind.ITEM, uuid.uuid4(), reporter=charlie, reason="It shows a password.")
    with pytest.raises(NotFound):
        services.report_item("nonsense", public_item.uuid, reporter=charlie, reason="It shows a password.")
    assert not Report.objects.exists()


def test_staff_take_down_with_a_reason_the_owner_is_told(
    public_item, charlie, sam, candidate, django_capture_on_commit_callbacks
):
    services.report_item(TargetKind.ITEM, public_item.uuid, reporter=charlie, reason="It shows a password.")
    with pytest.raises(PermissionDenied):
        services.take_down(TargetKind.ITEM, public_item.uuid, staff=charlie, reason="Shows a password in a file.")
    with pytest.raises(services.ShowcaseError, match="reason"):
        services.take_down(TargetKind.ITEM, public_item.uuid, staff=sam, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        moderation = services.take_down(
            TargetKind.ITEM, public_item.uuid, staff=sam, reason="A file shows a live password."
        )
    assert moderation.status == ModerationStatus.TAKEN_DOWN
    assert not is_public(public_item)
    assert Report.objects.get().status == ReportStatus.ACTIONED
    told = Notification.objects.get(recipient=candidate, verb="showcase.taken_down")
    assert "A file shows a live password." in told.body
    with pytest.raises(services.ShowcaseError):
        services.take_down(TargetKind.ITEM, public_item.uuid, staff=sam, reason="A file shows a live password.")


def test_staff_restore(public_item, sam):
    with pytest.raises(services.ShowcaseError, match="never taken down"):
        services.restore(TargetKind.ITEM, public_item.uuid, staff=sam, note="Nothing wrong with it.")
    services.take_down(TargetKind.ITEM, public_item.uuid, staff=sam, reason="A file shows a live password.")
    services.restore(TargetKind.ITEM, public_item.uuid, staff=sam, note="The author removed the file.")
    assert is_public(public_item)
    with pytest.raises(services.ShowcaseError):
        services.restore(TargetKind.ITEM, public_item.uuid, staff=sam, note="The author removed the file.")


def test_a_dismissed_report_leaves_the_item(public_item, charlie, sam):
    report = services.report_item(TargetKind.ITEM, public_item.uuid, reporter=charlie, reason="I do not like it.")
    services.dismiss_report(report, staff=sam, note="Nothing breaks the rules.")
    assert report.status == ReportStatus.DISMISSED
    assert is_public(public_item)
    with pytest.raises(services.ShowcaseError):
        services.dismiss_report(report, staff=sam, note="Nothing breaks the rules.")


def test_portfolios_are_reported_and_taken_down(candidate, charlie, sam):
    portfolio = services.save_portfolio(
        candidate, data=services.PortfolioInput(slug="nia", display_name="Nia C", published=True)
    )
    services.report_item(TargetKind.PORTFOLIO, portfolio.uuid, reporter=charlie, reason="Impersonates someone.")
    services.take_down(TargetKind.PORTFOLIO, portfolio.uuid, staff=sam, reason="It impersonates someone else.")
    from rung.showcase.selectors import get_public_portfolio

    with pytest.raises(NotFound):
        get_public_portfolio("nia")
