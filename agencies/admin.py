"""Django admin for superusers. Day-to-day set-up happens in the service's own pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AttachRequest,
    Body,
    BodyArea,
    ClosureDay,
    Duty,
    DutyAssessment,
    Function,
    FunctionHolding,
    Locality,
    Membership,
    Notification,
    ResponseDuty,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["body"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser", "last_login"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("full_name",)}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)


@admin.register(Locality)
class LocalityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "ons_code", "rejected_retention_days"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class BodyAreaInline(admin.TabularInline):
    model = BodyArea
    extra = 0
    fields = ["locality", "starts_on", "ends_on"]


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "locality", "kind", "service_type", "is_active"]
    list_filter = ["footprint__locality", "kind", "is_active"]
    search_fields = ["name", "ods_code", "cqc_id"]
    inlines = [BodyAreaInline]


@admin.register(AttachRequest)
class AttachRequestAdmin(SimpleHistoryAdmin):
    """Read-only here: a body's own administrators answer in the service's pages."""

    list_display = ["body", "locality", "state", "asked_at", "answered_at"]
    list_filter = ["state"]
    search_fields = ["body__name", "locality__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Function)
class FunctionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "single_holder", "order"]


@admin.register(FunctionHolding)
class FunctionHoldingAdmin(SimpleHistoryAdmin):
    list_display = ["function", "body", "locality", "starts_on", "ends_on"]
    list_filter = ["function", "locality"]
    autocomplete_fields = ["body"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "body", "role"]
    list_filter = ["role", "body__footprint__locality"]
    autocomplete_fields = ["user", "body"]


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ["number", "function", "text"]
    list_filter = ["function"]


@admin.register(DutyAssessment)
class DutyAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["duty", "locality", "status", "owner", "last_reviewed_on"]
    list_filter = ["locality", "status"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "channel", "to_email", "subject", "state", "attempts", "possible_duplicate"]
    list_filter = ["state", "channel", "kind", "possible_duplicate"]
    search_fields = ["to_email", "subject", "dedupe_key"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ResponseDuty)
class ResponseDutyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "period", "unit", "locality", "citation"]


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ["date", "reason", "locality"]
    list_filter = ["locality"]
