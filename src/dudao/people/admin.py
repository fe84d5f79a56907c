from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from dudao.people.models import RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["office"]
    filter_horizontal = ["schools"]


@admin.register(User)
class DudaoUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("督导", {"fields": ("full_name", "phone", "must_change_password")}),)
    list_display = ["username", "full_name", "phone", "is_active", "must_change_password", "is_staff"]
    search_fields = ["username", "full_name", "phone"]
    inlines = [RoleGrantInline]
