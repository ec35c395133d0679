"""Account pages: sign-up, log-in, passwords, e-mail verification, profile and address book.

Views check input with forms and hand every change to `services`.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from ashopy.stores.selectors import staff_role

from . import forms, limits, services
from .models import Address

logger = logging.getLogger(__name__)

RESEND_INTERVAL_SECONDS = 60


def _send_verification(request, user) -> bool:
    """Mail the confirmation link; a mail server failure must not lose the sign-up, so it is only logged."""
    token = services.email_verification_token(user)
    verify_url = request.build_absolute_uri(reverse("accounts:verify_email", args=[token]))
    try:
        services.send_verification_email(user=user, verify_url=verify_url, store=request.store)
    except OSError:
        logger.exception("Could not send the verification e-mail to user %s", user.pk)
        messages.warning(request, _("We could not send the confirmation e-mail. Please ask for it again later."))
        return False
    return True


@sensitive_post_parameters("password", "password_confirm")
def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = forms.RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            limits.check(limits.REGISTRATION, request=request, email=data["email"])
        except limits.TooManyAttempts as refusal:
            return _refused(request, "accounts/register.html", form, refusal)
        try:
            user = services.register_user(
                email=data["email"], password=data["password"], first_name=data["first_name"],
                last_name=data["last_name"], phone=str(data["phone"]), segment=data["segment"],
                store=request.store)
        except ValidationError as error:
            forms.add_service_errors(form, error)
        except IntegrityError:  # the same e-mail signed up a moment ago, between the check and the insert
            form.add_error("email", _("An account with this e-mail address already exists."))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if _send_verification(request, user):
                messages.success(request, _("Welcome! We sent a confirmation link to %(email)s.")
                                 % {"email": user.email})
            return redirect("accounts:profile")
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


def _refused(request, template_name: str, form, refusal: limits.TooManyAttempts, context=None):
    """The form again, saying why nothing was done: 429, with the wait in Retry-After."""
    form.add_error(None, str(refusal))
    response = render(request, template_name, {"form": form, **(context or {})}, status=refusal.status)
    response["Retry-After"] = str(refusal.retry_after)
    return response


class InvalidFormIs400Mixin:
    """Refused input answers 400 on every account form, Django's own views included."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LoginView(InvalidFormIs400Mixin, auth_views.LoginView):
    """A safe `?next=` wins; otherwise the store's staff land on the back office, customers on their account."""

    template_name = "accounts/login.html"
    authentication_form = forms.EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if staff_role(self.request.user, self.request.store) is not None:
            return resolve_url(settings.STAFF_LOGIN_REDIRECT_URL)
        return super().get_default_redirect_url()


class PasswordChangeView(InvalidFormIs400Mixin, SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("accounts:profile")
    success_message = gettext_lazy("Your password has been changed.")
    extra_context = {"account_section": "password"}


class PasswordResetView(InvalidFormIs400Mixin, auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = forms.PasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        """Counted whether or not the e-mail has an account: the answer is the same either way."""
        try:
            limits.check(limits.PASSWORD_RESET, request=self.request, email=form.cleaned_data["email"])
        except limits.TooManyAttempts as refusal:
            return _refused(self.request, self.template_name, form, refusal, self.get_context_data(form=form))
        self.extra_email_context = {"store_name": self.request.store.name}
        self.from_email = self.request.store.email_sender
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(InvalidFormIs400Mixin, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = forms.SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")

    def render_to_response(self, context, **kwargs):
        """A used or forged link is the visitor's bad input: 400, with the page explaining it."""
        if not context.get("validlink"):
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def verify_email(request, token):
    """Open from the e-mail, possibly in another browser: no login needed, the token names the user."""
    try:
        user = services.verify_email(token=token)
    except services.InvalidToken as error:
        return render(request, "accounts/verify_email_invalid.html", {"error": error}, status=400)
    return render(request, "accounts/verify_email_done.html", {"verified_user": user})


@login_required
@require_POST
def resend_verification(request):
    """Send the link again, at most once a minute per user so the form cannot flood a mailbox."""
    user = request.user
    if user.email_verified:
        messages.info(request, _("Your e-mail address is already confirmed."))
    elif not cache.add(f"accounts:resend-verification:{user.pk}", True, RESEND_INTERVAL_SECONDS):
        messages.warning(request, _("A confirmation e-mail was just sent. Please wait a minute before asking again."))
    elif _send_verification(request, user):
        messages.success(request, _("We sent a new confirmation link to %(email)s.") % {"email": user.email})
    return redirect("accounts:profile")


@login_required
def profile(request):
    user = request.user
    initial = {"first_name": user.first_name, "last_name": user.last_name, "phone": user.phone}
    form = forms.ProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            services.update_profile(user=user, first_name=data["first_name"], last_name=data["last_name"],
                                    phone=str(data["phone"]))
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    defaults = user.addresses.filter(Q(is_default_shipping=True) | Q(is_default_billing=True))
    context = {"form": form, "default_addresses": defaults, "account_section": "profile"}
    return render(request, "accounts/profile.html", context, status=400 if form.errors else 200)


@login_required
def address_list(request):
    addresses = request.user.addresses.all()
    return render(request, "accounts/address_list.html", {"addresses": addresses, "account_section": "addresses"})


def _own_address(request, pk) -> Address:
    """The address `pk` if it belongs to the visitor; anyone else's is a 404, as if it did not exist."""
    return get_object_or_404(Address, pk=pk, user=request.user)


def _address_form_page(request, address: Address | None):
    form = forms.AddressForm(request.POST if request.method == "POST" else None, instance=address)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_address(user=request.user, address=address, **form.cleaned_data)
        except ValidationError as error:
            forms.add_service_errors(form, error)
        else:
            messages.success(request, _("The address has been saved."))
            return redirect("accounts:address_list")
    context = {"form": form, "address": address, "account_section": "addresses"}
    return render(request, "accounts/address_form.html", context, status=400 if form.errors else 200)


@login_required
def address_create(request):
    return _address_form_page(request, None)


@login_required
def address_update(request, pk):
    return _address_form_page(request, _own_address(request, pk))


@login_required
@require_POST
def address_delete(request, pk):
    services.delete_address(user=request.user, address=_own_address(request, pk))
    messages.success(request, _("The address has been deleted."))
    return redirect("accounts:address_list")


DEFAULT_KINDS = {"shipping": "is_default_shipping", "billing": "is_default_billing"}


@login_required
@require_POST
def address_set_default(request, pk, kind):
    if kind not in DEFAULT_KINDS:
        raise Http404
    address = _own_address(request, pk)
    try:
        services.save_address(user=request.user, address=address, **{DEFAULT_KINDS[kind]: True})
    except ValidationError:
        messages.error(request, _("This address is incomplete: edit it before making it a default."))
        return redirect("accounts:address_update", pk=address.pk)
    if kind == "shipping":
        messages.success(request, _("This is now your default shipping address."))
    else:
        messages.success(request, _("This is now your default billing address."))
    return redirect("accounts:address_list")
