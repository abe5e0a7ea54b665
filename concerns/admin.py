"""Django admin for superusers. Personal details are deliberately absent: they are read only
through the service's own pages, where every read is logged."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Alert, AlertRecipient, Concern, ImportJob, PersonalDataAccess, Theme, TrendSignal


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Concern)
class ConcernAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["reference", "locality", "received_on", "service_type", "status", "from_public"]
    list_filter = ["locality", "status", "from_public", "safeguarding"]
    exclude = ["search"]

    def get_queryset(self, request):
        return Concern.all_objects.select_related("locality")


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "locality", "is_active"]
    list_filter = ["locality", "is_active"]

    def get_queryset(self, request):
        return Theme.all_objects.select_related("locality")


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "concern", "locality", "detail"]
    list_filter = ["action", "locality"]


@admin.register(TrendSignal)
class TrendSignalAdmin(ReadOnlyAdmin):
    list_display = ["month", "locality", "kind", "subject", "count", "upper"]

    def get_queryset(self, request):
        return TrendSignal.all_objects.select_related("theme", "service")


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "locality", "state", "total_rows", "imported_rows", "created_at"]


class RecipientInline(admin.TabularInline):
    model = AlertRecipient
    extra = 0
    can_delete = False
    readonly_fields = ["body", "due_on", "state", "acknowledged_at", "responded_at", "escalated_on"]
    fields = readonly_fields


@admin.register(Alert)
class AlertAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["reference", "summary", "locality", "sent_on", "safeguarding"]
    inlines = [RecipientInline]

    def get_queryset(self, request):
        return Alert.all_objects.select_related("locality")
