from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rung.engagements.models import Contract, Engagement, EngagementEvent, EngagementMilestone, Signature


class ReadOnlyMixin:
    # Engagements change only through their services (signatures, money, history); staff read here.
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MilestoneInline(ReadOnlyMixin, admin.TabularInline):
    model = EngagementMilestone
    extra = 0


class ContractInline(ReadOnlyMixin, admin.TabularInline):
    model = Contract
    extra = 0
    fields = ["version", "status", "template_version", "text_sha256", "signed_at"]


class SignatureInline(ReadOnlyMixin, admin.TabularInline):
    model = Signature
    extra = 0


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["project", "candidate", "status", "start_date", "end_date", "created_at"]
    list_filter = ["status"]
    search_fields = ["uuid", "project__title", "candidate__email"]
    inlines = [MilestoneInline, ContractInline]


@admin.register(Contract)
class ContractAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["engagement", "version", "status", "text_sha256", "created_at", "signed_at"]
    list_filter = ["status"]
    search_fields = ["uuid", "text_sha256"]
    inlines = [SignatureInline]


@admin.register(EngagementEvent)
class EngagementEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "engagement", "milestone", "from_status", "to_status", "actor"]
    list_filter = ["to_status"]
