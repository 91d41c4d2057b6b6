from django.contrib import admin
from django.http import HttpRequest

from rung.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "verb", "recipient", "created_at", "read_at", "emailed_at"]
    list_filter = ["verb"]
    search_fields = ["recipient__email", "title", "verb"]
    raw_id_fields = ["recipient", "actor"]
    # What a person was told is a record: staff may look, not rewrite it.
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
