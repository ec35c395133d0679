"""The French catalogue is complete and its compiled .mo is the one in the repository."""

import gettext
import re
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "ashopy" / "locale" / "fr" / "LC_MESSAGES"


def test_every_message_is_translated_and_none_is_fuzzy():
    with open(LOCALE / "django.po", "rb") as po_file:
        catalog = read_po(po_file)
    untranslated = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


def test_compiled_catalogue_matches_the_po_file():
    with open(LOCALE / "django.po", "rb") as po_file:
        catalog = read_po(po_file)
    with open(LOCALE / "django.mo", "rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        if message.context:
            assert compiled.pgettext(message.context, message.id) == message.string, message.id
        else:
            assert compiled.gettext(message.id) == message.string, message.id


def test_french_typography_keeps_its_spaces_unbreakable():
    """« : ; ? ! » take a no-break space before them, and « » inside: never a line break there."""
    with open(LOCALE / "django.po", "rb") as po_file:
        catalog = read_po(po_file)
    breakable = re.compile(r" [:;?!](?=\s|$|»)|« | »")
    wrong = []
    for message in catalog:
        for string in message.string if isinstance(message.string, tuple) else (message.string,):
            if string and breakable.search(string):
                wrong.append(string)
    assert wrong == []


def test_french_apostrophes_are_typographic():
    """« l’adresse », not « l'adresse »: one apostrophe across the whole catalogue."""
    with open(LOCALE / "django.po", "rb") as po_file:
        catalog = read_po(po_file)
    straight = re.compile(r"(?<=\w)'(?=\w)")
    wrong = [string for message in catalog
             for string in (message.string if isinstance(message.string, tuple) else (message.string,))
             if string and straight.search(string)]
    assert wrong == []
