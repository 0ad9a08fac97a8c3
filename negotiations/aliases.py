"""Other names of an issue or a party ("Zangezur corridor", "TRIPP", "Karabagh").

Stored as plain text, one alias per line, rather than as a JSON list: plain text is
searched the same way on both databases (a JSON column on SQLite stores "Türkiye" as
"T\\u00fcrkiye", which no LIKE finds), goes into PostgreSQL's stored search vectors and
trigram suggestions as it is, and editors type one name per line in a text box.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

MAX_ALIAS_LENGTH = 200
MAX_ALIASES = 50


def fold(text):
    """Lower-case without accents: "Türkiye" → "turkiye", "ЁЛКА" → "елка".

    The same folding as PostgreSQL's `unaccent` followed by lower-casing, near enough
    for comparing names and for the SQLite search fallback."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def split_aliases(text):
    """The aliases of a stored value, in order, without blank lines."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class AliasesField(models.TextField):
    """One alias per line. Blank lines and surrounding spaces are dropped on cleaning;
    an alias that is too long or listed twice (ignoring case and accents) is refused
    with a message naming it, shown at the field."""

    description = "Other names, one per line"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault(
            "help_text",
            "Other names and spellings, one per line (e.g. “Zangezur corridor”, "
            "“Karabagh”). Search finds the record, and everything on it, by any of them.",
        )
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return "\n".join(split_aliases(value)) if value is not None else value

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        aliases = split_aliases(value)
        errors = []
        if len(aliases) > MAX_ALIASES:
            errors.append(f"At most {MAX_ALIASES} aliases; there are {len(aliases)}.")
        seen = {}
        for alias in aliases:
            if len(alias) > MAX_ALIAS_LENGTH:
                errors.append(
                    f"“{alias[:40]}…” is {len(alias)} characters long; an alias may have "
                    f"at most {MAX_ALIAS_LENGTH}."
                )
            key = fold(alias)
            if key in seen:
                errors.append(f"“{alias}” is listed twice (as “{seen[key]}” too).")
            seen.setdefault(key, alias)
        if errors:
            raise ValidationError(errors)

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "cols": 60}))
        return super().formfield(**kwargs)
