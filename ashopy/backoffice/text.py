"""Punctuation of the messages the staff pages build from pieces, in the page's language.

French puts a no-break space before « ; » and « : » ("Du : date invalide ; Au : …"); English does not.
The separators are translated strings (with contexts), so the rule lives in the catalogue, not in code.
"""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def list_separator() -> str:
    """``"; "`` in English, ``"\u00a0; "`` in French."""
    return pgettext("list separator", "; ")


def label_separator() -> str:
    """``": "`` in English, ``"\u00a0: "`` in French."""
    return pgettext("label separator", ": ")


def join_list(items) -> str:
    return list_separator().join(str(item) for item in items)


def form_problems(form) -> str:
    """A form's errors on one line: ``Du\u00a0: saisissez une date valide\u00a0; Au\u00a0: …``."""
    problems = [f"{form[name].label}{label_separator()}{' '.join(errors)}" if name in form.fields
                else " ".join(errors) for name, errors in form.errors.items()]
    return join_list(problems)


def notice_invalid_filters(request, form) -> None:
    """Bad filters are dropped and said so, rather than failing the page."""
    if form.is_bound and not form.is_valid():
        messages.warning(request, _("Some filters were ignored. %(problems)s") % {"problems": form_problems(form)})
