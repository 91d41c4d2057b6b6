from django.contrib import admin

from rung.orgs.models import Invitation, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "email_domain", "verification", "created_at"]
    list_filter = ["kind", "verification"]
    search_fields = ["name", "email_domain"]
    # Verification goes through the service (audited, owners told), not a raw edit.
    readonly_fields = ["verification", "verified_at", "verified_by", "verification_note"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    readonly_fields = ["token_hash"]
