"""Admin pages for administrators: organisations, users (with their roles) and API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html_join

from core.errors import DomainError
from organisations import services
from organisations.models import ApiToken, Organisation, OrgRole, Role, RoleGrantRequest, RoleGrantStatus, User
from organisations.roles import role_may_belong_to, role_refusal, roles_enabled, roles_left_unheld


class _HoldsRoleFilter(admin.SimpleListFilter):
    """Organisations (or users of organisations) holding one organisation role."""

    title = "organisation role"
    parameter_name = "holds"
    lookup = "roles__contains"

    def lookups(self, request, model_admin):
        return OrgRole.choices

    def queryset(self, request, queryset):
        if self.value() in OrgRole.values:
            return queryset.filter(**{self.lookup: [self.value()]})
        return queryset


class _UserOrganisationHoldsRoleFilter(_HoldsRoleFilter):
    lookup = "organisation__roles__contains"


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "roles", "first_responder_type", "inbox_email", "is_active"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and "roles" in cleaned:
            unheld = roles_left_unheld(self.instance, cleaned["roles"])
            if unheld:
                raise ValidationError(f"Its users work as {', '.join(unheld)}: keep the roles they need, or "
                                      "change their roles first.")
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ["name", "roles_display", "first_responder_type", "is_active"]
    list_filter = [_HoldsRoleFilter, "first_responder_type", "is_active"]
    search_fields = ["name"]

    @admin.display(description="Roles")
    def roles_display(self, organisation: Organisation) -> str:
        return organisation.roles_display()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # organisations are deactivated, never deleted: records point at them


class _RoleRulesMixin:
    """Refuse roles that the user's organisation does not hold (a decision maker at a charity), and any
    change of an administrator's own roles, organisation or status."""

    acting_user: User | None = None

    def clean(self):
        cleaned = super().clean()
        by = self.acting_user
        own = by is not None and self.instance.pk == by.pk
        if own and {"groups", "organisation", "is_active"} & set(self.changed_data):
            raise ValidationError(
                "You cannot change your own roles, organisation or status. Ask another administrator.")
        organisation = cleaned.get("organisation")
        groups = cleaned.get("groups") or []
        by_label = {role.label: role for role in Role}
        if organisation is not None:
            for group in groups:
                role = by_label.get(group.name)
                if role and not role_may_belong_to(role, organisation):
                    raise ValidationError(role_refusal(role, organisation))
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
    list_filter = [_UserOrganisationHoldsRoleFilter, "groups", "is_active"]
    search_fields = ["email", "full_name", "organisation__name"]
    list_select_related = ["organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "organisation"]}),
        ("Roles", {"fields": ["groups", "is_active"]}),
        ("Availability", {"fields": ["away_until"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
        ("Sign-in and access history", {"fields": ["sign_in_status", "account_history"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "organisation", "groups",
                                                 "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined", "sign_in_status", "account_history"]
    filter_horizontal = ["groups"]
    actions = ["end_lockout"]

    @admin.display(description="Sign-in")
    def sign_in_status(self, user: User) -> str:
        return "Sign-in locked (too many failed attempts)" if services.is_sign_in_locked(user) else "Not locked"

    @admin.display(description="History (append-only)")
    def account_history(self, user: User) -> str:
        events = user.account_events.select_related("by")[:50]
        if not events:
            return "Nothing recorded"
        return format_html_join(
            "", '<p>{}: {} {} (by {})</p>',
            ((timezone.localtime(e.occurred_at).strftime("%d %b %Y %H:%M"), e.get_kind_display(), e.detail,
              e.by or "the system") for e in events),
        )

    @admin.action(description="End sign-in lockout (recorded)")
    def end_lockout(self, request, queryset) -> None:
        ended = 0
        for user in queryset:
            try:
                services.sign_in_lockout_end(user=user, by=request.user)
            except DomainError as refused:
                self.message_user(request, f"{user}: {refused.message}", level="error")
            else:
                ended += 1
        self.message_user(request, f"Ended the lockout of {ended} user(s).")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def save_model(self, request, obj, form, change) -> None:
        """Roles and organisation are not saved from the form directly: save_related hands them to
        services.user_access_change, which refuses self-grants and holds sensitive grants for approval."""
        if change and "organisation" in form.changed_data:
            obj.organisation_id = type(obj).objects.filter(pk=obj.pk).values_list("organisation_id", flat=True)[0]
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        by_label = {role.label: role for role in Role}
        roles = {by_label[group.name] for group in form.cleaned_data.get("groups") or [] if group.name in by_label}
        organisation = form.cleaned_data.get("organisation")
        if organisation is not None:
            try:
                grant = services.user_access_change(user=form.instance, organisation=organisation, roles=roles,
                                                    by=request.user)
            except DomainError as refused:
                self.message_user(request, refused.message, level="error")
            else:
                if grant is not None:
                    self.message_user(
                        request, "The new roles need a second administrator's approval: they apply once another "
                        "administrator approves the request under 'Role grant requests'.", level="warning")
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.display(description="Roles")
    def role_list(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all())

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=[role.label for role in roles_enabled()])
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


@admin.register(RoleGrantRequest)
class RoleGrantRequestAdmin(admin.ModelAdmin):
    """Role grants awaiting a second administrator. Read-only: decided with the actions, never edited."""

    list_display = ["user", "organisation", "role_labels", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["user", "organisation", "requested_by", "decided_by"]
    actions = ["approve", "refuse"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.has_role(Role.ADMINISTRATOR)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def _decide(self, request, queryset, approve: bool) -> None:
        for grant in queryset.filter(status=RoleGrantStatus.PENDING):
            try:
                services.role_grant_decide(grant=grant, approve=approve, by=request.user)
            except DomainError as refused:
                self.message_user(request, f"Request {grant.pk}: {refused.message}", level="error")
            else:
                self.message_user(request, f"Request {grant.pk}: {'approved' if approve else 'refused'}.")

    @admin.action(description="Approve selected requests (you must not be the one who asked)")
    def approve(self, request, queryset) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Refuse selected requests")
    def refuse(self, request, queryset) -> None:
        self._decide(request, queryset, approve=False)


admin.site.unregister(Group)
