from django.contrib import admin
from django.http import HttpRequest

from rung.reviews.models import (
    ExperienceRating,
    InternRating,
    Review,
    ReviewScore,
    SelfAssessment,
    Submission,
    SubmissionEvent,
    SubmissionFile,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Submissions, reviews and ratings change only through services: staff may look, not rewrite.

    Files are downloaded through the site's permission-checked view, never linked from here.
    """

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SubmissionFileInline(admin.TabularInline):
    model = SubmissionFile
    fields = readonly_fields = ("original_name", "extension", "content_type", "size", "sha256", "uploaded_at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    fields = readonly_fields = ("at", "from_status", "to_status", "actor", "note")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "submitted_by", "submitted_at", "review_due_at", "resolved_at"]
    list_filter = ["status"]
    search_fields = ["uuid", "submitted_by__email", "milestone__title"]
    list_select_related = ["milestone", "submitted_by"]
    inlines = [SubmissionFileInline, SubmissionEventInline]


class ReviewScoreInline(admin.TabularInline):
    model = ReviewScore
    fields = readonly_fields = ("criterion_name", "weight", "score", "max_score", "level_label")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "decision", "reviewer", "points", "max_points", "created_at"]
    list_filter = ["decision"]
    search_fields = ["uuid", "submission__uuid"]
    list_select_related = ["submission__milestone", "reviewer"]
    inlines = [ReviewScoreInline]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "points", "max_points", "created_at"]


@admin.register(ExperienceRating)
class ExperienceRatingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "mentoring", "clarity", "respect", "pay_timeliness", "created_at"]


@admin.register(InternRating)
class InternRatingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "overall", "created_at"]
