from django.contrib import admin

from rung.profiles.models import AvailabilityWindow, CandidateProfile, Skill


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "curated", "category"]
    list_filter = ["curated", "category"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class WindowInline(admin.TabularInline):
    model = AvailabilityWindow
    extra = 0


@admin.register(CandidateProfile)
class CandidateProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "headline", "location", "updated_at"]
    search_fields = ["user__email", "headline"]
    inlines = [WindowInline]
