import pytest
from django.contrib import admin

from rung.ledger.models import Account, Deposit, Entry, LedgerTransaction, Payout, PayoutEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Account, LedgerTransaction, Entry, Deposit, Payout, PayoutEvent])
def test_staff_can_read_ledger_rows_in_the_admin_but_not_add_change_or_delete_them(rf, sam, model):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = sam
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert set(model_admin.get_readonly_fields(request)) == {f.name for f in model._meta.fields}
