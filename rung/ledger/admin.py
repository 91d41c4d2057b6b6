from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rung.ledger.models import Account, Deposit, Entry, LedgerTransaction, Payout, PayoutEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    # Money moves only through the ledger's services (balanced, idempotent, audited); staff
    # may read every row here and change none.
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EntryInline(ReadOnlyInline):
    model = Entry


class PayoutEventInline(ReadOnlyInline):
    model = PayoutEvent


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["key", "kind", "currency", "organisation", "intern", "created_at"]
    list_filter = ["kind", "currency"]
    search_fields = ["key"]


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "idempotency_key", "memo", "organisation"]
    list_filter = ["kind"]
    search_fields = ["idempotency_key", "memo", "uuid"]
    date_hierarchy = "created_at"
    inlines = [EntryInline]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["transaction", "account", "amount_minor", "currency"]
    list_filter = ["currency", "account__kind"]
    search_fields = ["account__key", "transaction__idempotency_key"]


@admin.register(Deposit)
class DepositAdmin(ReadOnlyAdmin):
    list_display = ["reference", "organisation", "amount_minor", "currency", "status", "provider", "created_at"]
    list_filter = ["status", "provider", "currency"]
    search_fields = ["reference", "provider_reference", "organisation__name"]


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["uuid", "intern", "amount_minor", "currency", "status", "provider", "approved_at", "settled_at"]
    list_filter = ["status", "provider", "currency"]
    search_fields = ["uuid", "intern__email", "provider_reference", "batch_reference"]
    inlines = [PayoutEventInline]


@admin.register(PayoutEvent)
class PayoutEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "payout", "from_status", "to_status", "note"]
    list_filter = ["to_status"]
