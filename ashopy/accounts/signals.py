"""A password change or a deactivation ends the account's API tokens, whichever page, form or code saved it.

Web password change and reset, the admin, `set_password()` + `save()` in a shell or a command: they all
save the user, so the check is here rather than in each of them. A bulk `update()` bypasses signals; the
password claim inside every token (CHECK_REVOKE_TOKEN) and the is_active check of each API request still
refuse the tokens then.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import User
from .tokens import revoke_api_tokens

_WATCHED = {"password", "is_active"}


@receiver(pre_save, sender=User, dispatch_uid="accounts.note_credentials_change")
def note_credentials_change(sender, instance, raw=False, using=None, update_fields=None, **kwargs):
    """Compare with the stored row (one read, only for saves that may touch the password or is_active)."""
    instance._revoke_api_tokens = False
    if raw or instance._state.adding or (update_fields is not None and not _WATCHED & set(update_fields)):
        return
    stored = sender._base_manager.using(using).filter(pk=instance.pk).values_list("password", "is_active").first()
    if stored is not None:
        password, was_active = stored
        instance._revoke_api_tokens = password != instance.password or (was_active and not instance.is_active)


@receiver(post_save, sender=User, dispatch_uid="accounts.revoke_tokens_after_credentials_change")
def revoke_tokens_after_credentials_change(sender, instance, created=False, raw=False, **kwargs):
    """In the saving transaction: if the save rolls back, so does the revocation."""
    if getattr(instance, "_revoke_api_tokens", False):
        instance._revoke_api_tokens = False
        revoke_api_tokens(user=instance)
