"""Admin screens for users and role grants (Secretariat only)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from sapsmed.accounts.admin_site import PolicyModelAdmin
from sapsmed.accounts.models import RoleGrant
from sapsmed.accounts.services import staff_sync

# django.contrib.auth registers these with plain permissions; ours ask the policy module.
admin.site.unregister(get_user_model())
admin.site.unregister(Group)


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ()


@admin.register(get_user_model())
class SapsmedUserAdmin(UserAdmin, PolicyModelAdmin):
    inlines = [RoleGrantInline]
    list_display = ("username", "email", "first_name", "last_name", "is_active")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        staff_sync(form.instance)


@admin.register(RoleGrant)
class RoleGrantAdmin(PolicyModelAdmin):
    list_display = ("user", "role", "goal", "member_state", "action_line", "organisation")
    list_filter = ("role",)
    list_select_related = ("user", "goal", "member_state", "action_line")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        staff_sync(obj.user)

    def delete_model(self, request, obj):
        user = obj.user
        super().delete_model(request, obj)
        staff_sync(user)


admin.site.register(Group, PolicyModelAdmin)
