"""Admin pages for administrators: organisations, users (with their roles) and API tokens."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from organisations.models import ApiToken, Organisation, Role, User
from organisations.roles import role_may_belong_to


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "first_responder_type", "is_active"]
    list_filter = ["kind", "first_responder_type", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # organisations are deactivated, never deleted: records point at them


class _RoleRulesMixin:
    """Refuse roles that the user's organisation kind may not hold (a decision maker at a charity)."""

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        groups = cleaned.get("groups") or []
        by_label = {role.label: role for role in Role}
        if organisation is not None:
            for group in groups:
                role = by_label.get(group.name)
                if role and not role_may_belong_to(role, organisation.kind):
                    raise ValidationError(f"{role.label} cannot belong to a {organisation.get_kind_display()}.")
        return cleaned


class UserCreateForm(_RoleRulesMixin, AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "organisation", "groups"]


class UserEditForm(_RoleRulesMixin, UserChangeForm):
    class Meta:
        model = User
        fields = ["email", "full_name", "organisation", "groups", "is_active"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreateForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "full_name", "organisation", "role_list", "is_active", "last_login"]
    list_filter = ["organisation__kind", "groups", "is_active"]
    search_fields = ["email", "full_name", "organisation__name"]
    list_select_related = ["organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "organisation"]}),
        ("Roles", {"fields": ["groups", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "organisation", "groups",
                                                 "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def role_list(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all())

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=[role.label for role in Role])
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deactivate instead: the audit trail refers to users


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__email", "prefix"]
    readonly_fields = ["user", "prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    exclude = ["digest"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # tokens are issued by the API after password and TOTP

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} token(s).")


admin.site.unregister(Group)
