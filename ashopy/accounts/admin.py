"""Admin of users (e-mail login), partners and addresses, and of staff roles.

Staff roles are memberships; granting or removing one goes through
`accounts.services`, so that groups and back-office access follow. A
non-superuser sees the customers of their stores (registered on one or having
ordered in one), the staff of their stores and themselves, never a superuser;
what they may change on each account (and whether they may set its password)
is `services.editable_fields`, and saves go through `services.update_account`.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError
from ashopy.stores import admin as stores_admin
from ashopy.stores.admin import ScopedRelatedFilter, StoreScopedAdmin, StoreScopedMixin, member_store_ids
from ashopy.stores.models import Membership, Store

from . import selectors, services
from .models import Address, Partner, User

ROLE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
#: The account fields whose change `services.editable_fields` rules on (the password has its own page).
GUARDED_FIELDS = tuple(sorted(services.ADMIN_FIELDS - {services.PASSWORD}))


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "registered_store")

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this e-mail address already exists."))
        return email


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipForm(forms.ModelForm):
    """Once granted, a membership's user and store are fixed: remove it and add another instead."""

    fixed = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in self.fixed:
                if name in self.fields:
                    self.fields[name].disabled = True


def save_memberships(formset) -> None:
    """Apply a memberships formset through the role services instead of writing the rows."""
    formset.save(commit=False)
    for membership in formset.deleted_objects:
        services.revoke_role(user=membership.user, store=membership.store)
    changed = [membership for membership, _fields in formset.changed_objects]
    for membership in [*formset.new_objects, *changed]:
        services.assign_role(user=membership.user, store=membership.store, role=membership.role)


class UserMembershipInline(StoreScopedMixin, admin.TabularInline):
    model = Membership
    form = type("UserMembershipForm", (MembershipForm,), {"fixed": ("store",)})
    fields = ("store", "role")
    extra = 0
    verbose_name = _("staff role")
    verbose_name_plural = _("staff roles")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("store")


class StoreMembershipInline(StoreScopedMixin, admin.TabularInline):
    model = Membership
    form = type("StoreMembershipForm", (MembershipForm,), {"fixed": ("user",)})
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(User)
class UserAdmin(StoreScopedAdmin, DjangoUserAdmin):
    store_field = None
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "phone", "role", "segment", "declared_segment", "partner",
                    "is_staff", "email_verified")
    list_select_related = ("partner",)
    list_filter = ("role", "segment", "declared_segment", ("partner", ScopedRelatedFilter), "is_staff",
                   "email_verified", "is_active")
    search_fields = ("email", "first_name", "last_name", "phone")
    readonly_fields = ("role", "declared_segment", "segment_verified_at", "segment_verified_by", "last_login",
                       "date_joined")
    autocomplete_fields = ("partner",)
    inlines = [UserMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("first_name", "last_name", "phone")}),
        (_("Customer"), {"fields": ("segment", "declared_segment", "segment_verified_at", "segment_verified_by",
                                    "partner", "email_verified", "registered_store")}),
        (_("Access"), {"fields": ("is_active", "role", *ROLE_FIELDS)}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name", "registered_store",
                                                 "usable_password", "password1", "password2")}),
    )

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []  # roles: once the user exists

    def scope(self, request, queryset):
        if request.user.is_superuser:
            return queryset
        stores = member_store_ids(request)
        customers = selectors.customers_of(store=stores).values("pk")
        colleagues = selectors.staff_of(store=stores).values("pk")
        return queryset.filter(Q(pk__in=customers) | Q(pk__in=colleagues) | Q(pk=request.user.pk),
                               is_superuser=False)

    def rights(self, request, obj) -> frozenset[str]:
        """What the requesting user may change on `obj`, as the account services decide; read once per request."""
        cache = request.__dict__.setdefault("_account_rights", {})
        if obj.pk not in cache:
            store = selectors.acting_store(actor=request.user, user=obj)
            try:
                cache[obj.pk] = services.editable_fields(actor=request.user, store=store, user=obj)
            except DomainError:
                cache[obj.pk] = frozenset()
        return cache[obj.pk]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or services.PASSWORD in self.rights(request, obj):
            return fieldsets
        # Without the right to set it, no password field: its widget links to the password page.
        return [(name, {**options, "fields": tuple(f for f in options["fields"] if f != "password")})
                for name, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None:
            fields = (*fields, "registered_store")  # a fact of the sign-up, not an editable choice
        if request.user.is_superuser:
            return fields
        fields = (*fields, *ROLE_FIELDS)
        if obj is None:
            return fields
        rights = self.rights(request, obj)
        return (*fields, *(name for name in GUARDED_FIELDS if name not in rights))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser:
            return form
        if obj is None:
            form.base_fields["registered_store"].required = True  # else the new customer is no store's
            return form
        if services.PASSWORD not in self.rights(request, obj):
            form.base_fields.pop("password", None)
        if "partner" in form.base_fields:
            store = selectors.acting_store(actor=request.user, user=obj)
            form.base_fields["partner"].queryset = Partner.objects.filter(store=store)
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        stores = member_store_ids(request)
        if "registered_store" not in initial and len(stores) == 1:
            initial["registered_store"] = stores[0]
        return initial

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser:
            return allowed
        return bool(self.rights(request, obj) - {services.PASSWORD})

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and services.PASSWORD not in self.rights(request, user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in services.ACCOUNT_FIELDS}
        store = selectors.acting_store(actor=request.user, user=obj)
        services.update_account(actor=request.user, store=store, user=obj, **fields)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self.has_change_permission(request, obj))

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_memberships(formset)
        else:
            super().save_formset(request, form, formset, change)


class StoreAdmin(stores_admin.StoreAdmin):
    """The stores app's admin plus staff memberships, which need the accounts services."""

    inlines = [*stores_admin.StoreAdmin.inlines, StoreMembershipInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_memberships(formset)
        else:
            super().save_formset(request, form, formset, change)


admin.site.unregister(Store)
admin.site.register(Store, StoreAdmin)


@admin.register(Partner)
class PartnerAdmin(StoreScopedAdmin, admin.ModelAdmin):
    list_display = ("name", "kind", "discount_percent", "member_count", "contact_name", "store")
    list_filter = ("kind", ("store", ScopedRelatedFilter))
    list_select_related = ("store",)
    search_fields = ("name", "contact_name", "email")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, partner):
        return partner.member_count


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = ("user", *services.ADDRESS_FIELDS)

    def _get_validation_exclusions(self):
        # A new default address replaces the old one (see services.save_address) instead of
        # failing the "one default per user" constraints.
        return {*super()._get_validation_exclusions(), "is_default_shipping", "is_default_billing"}


@admin.register(Address)
class AddressAdmin(StoreScopedAdmin, admin.ModelAdmin):
    store_field = None
    form = AddressForm
    list_display = ("__str__", "user", "city", "country", "is_default_shipping", "is_default_billing")
    list_select_related = ("user",)
    list_filter = ("country", "is_default_shipping", "is_default_billing")
    search_fields = ("user__email", "first_name", "last_name", "company", "line1", "city", "postal_code")
    autocomplete_fields = ("user",)

    def scope(self, request, queryset):
        if request.user.is_superuser:
            return queryset
        users = self.admin_site._registry[User].scope(request, User.objects.all())
        return queryset.filter(user__in=users.values("pk"))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "user" in form.base_fields:
            form.base_fields["user"].disabled = True
        return form

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.ADDRESS_FIELDS if name in form.cleaned_data}
        services.save_address(user=obj.user, address=obj, **fields)

    def delete_model(self, request, obj):
        services.delete_address(user=obj.user, address=obj)

    def delete_queryset(self, request, queryset):
        for address in queryset.select_related("user"):
            services.delete_address(user=address.user, address=address)
