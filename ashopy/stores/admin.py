"""Admin of stores, and the store scoping that every store-owned admin shares.

A superuser sees everything. Any other staff member sees, edits and may pick in
forms only the rows of the stores where they hold a membership: a store-owned
admin says how its rows reach their store with `store_field`.
"""

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .models import Store, StoreDomain
from .selectors import stores_of


def member_store_ids(request) -> list[int]:
    """Ids of the stores the requesting user works in, read once per request."""
    if not hasattr(request, "_admin_store_ids"):
        request._admin_store_ids = list(stores_of(request.user).values_list("pk", flat=True))
    return request._admin_store_ids


def visible(site, request, queryset):
    """`queryset` narrowed to the rows the user may see, as the admin of its model scopes them."""
    if request.user.is_superuser:
        return queryset
    model_admin = site._registry.get(queryset.model)
    if isinstance(model_admin, StoreScopedMixin):
        return model_admin.scope(request, queryset)
    try:
        queryset.model._meta.get_field("store")
    except FieldDoesNotExist:
        return queryset
    return queryset.filter(store__in=member_store_ids(request))


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A related-field list filter that offers only the choices the user may see."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        limit = None
        if not request.user.is_superuser:
            allowed = visible(model_admin.admin_site, request, field.related_model._default_manager.all())
            limit = {"pk__in": allowed.values("pk")}
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=limit)


class StoreScopedMixin:
    """Rows and foreign-key choices limited to the user's stores (model admins and inlines)."""

    #: The lookup from this model to its Store ("store", "product__store" …); None: override `scope`.
    store_field: str | None = "store"

    def scope(self, request, queryset):
        if request.user.is_superuser or self.store_field is None:
            return queryset
        return queryset.filter(**{f"{self.store_field}__in": member_store_ids(request)})

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and getattr(field, "queryset", None) is not None:
            field.queryset = visible(self.admin_site, request, field.queryset)
        return field


class StoreScopedAdmin(StoreScopedMixin):
    """For model admins: object permissions follow the scope, and a row never changes store."""

    def in_scope(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        return self.scope(request, self.model._default_manager.filter(pk=obj.pk)).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_scope(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "store" in form.base_fields:
            # Disabled rather than read-only, so that (store, slug) uniqueness is still validated.
            form.base_fields["store"].disabled = True
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        stores = member_store_ids(request)
        if "store" not in initial and len(stores) == 1:
            initial["store"] = stores[0]
        return initial

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if len(member_store_ids(request)) < 2:
            filters = [f for f in filters if not (isinstance(f, tuple) and f[0] == "store") and f != "store"]
        return filters


class StoreDomainFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        primary = [form for form in self.forms
                   if form.cleaned_data.get("is_primary") and not self._should_delete_form(form)]
        if len(primary) > 1:
            raise ValidationError(_("A store has only one primary domain."))


class StoreDomainInline(admin.TabularInline):
    model = StoreDomain
    formset = StoreDomainFormSet
    fields = ("domain", "is_primary")
    extra = 0


@admin.register(Store)
class StoreAdmin(StoreScopedAdmin, admin.ModelAdmin):
    store_field = "pk"
    list_display = ("name", "slug", "currency", "country", "prices_include_tax", "primary_domain", "is_active")
    list_filter = ("is_active", "currency", "country", "prices_include_tax")
    search_fields = ("name", "slug", "legal_name", "domains__domain")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [StoreDomainInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "is_active", "logo")}),
        (_("Locale and prices"), {"fields": ("currency", "country", "default_language", "timezone",
                                             "prices_include_tax", "reservation_minutes")}),
        (_("Contact and legal details"), {"fields": ("legal_name", "tax_id", "address", "postal_code", "city",
                                                     "email", "phone")}),
        (_("Customers"), {"fields": ("segment_by_email",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains")

    @admin.display(description=_("primary domain"))
    def primary_domain(self, store):
        return next((d.domain for d in store.domains.all() if d.is_primary), "")

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
