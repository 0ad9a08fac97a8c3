"""Three-way merge of a stale edit onto the version saved since (the conflict page).

Pure: values in, outcome out. Each field's value is what the form sends (a tuple of
strings: one for a text box, several for a multiple choice, none for an empty one).
``base`` is the version the analyst loaded; a field missing from it is one whose
loaded value is not known (a many-to-many field: history does not give it back), and
differing values there are a conflict rather than a guess.
"""

from dataclasses import dataclass
from enum import StrEnum

# The form field that lists the conflicting fields a confirmed merge must choose for.
CHOOSE_FIELD = "merge_choose"


class Outcome(StrEnum):
    SAME = "same"  # both sides hold the same value
    THEIRS = "theirs"  # only the other edit changed it
    YOURS = "yours"  # only yours changed it: re-applied on top of theirs
    CONFLICT = "conflict"  # both changed it, differently: the analyst chooses


@dataclass(frozen=True)
class FieldMerge:
    name: str
    base: tuple | None
    theirs: tuple
    yours: tuple
    outcome: Outcome

    @property
    def value(self):
        """The merged value; for a conflict, None until someone chooses."""
        if self.outcome is Outcome.CONFLICT:
            return None
        return self.yours if self.outcome is Outcome.YOURS else self.theirs


def normalise(value):
    """A form value as a tuple of strings: booleans as a checkbox sends them, line ends
    as stored (browsers send CRLF), surrounding spaces dropped (forms strip them)."""
    if value is None or value is False:
        return ()
    if value is True:
        return ("on",)
    values = value if isinstance(value, (list, tuple)) else [value]
    cleaned = (str(v).replace("\r\n", "\n").strip() for v in values)
    return tuple(v for v in cleaned if v)


def merge_field(name, base, theirs, yours):
    """One field's merge; ``base`` None when the loaded value is not known."""
    theirs, yours = normalise(theirs), normalise(yours)
    if base is not None:
        base = normalise(base)
    if yours == theirs:
        outcome = Outcome.SAME
    elif base is not None and yours == base:
        outcome = Outcome.THEIRS
    elif base is not None and theirs == base:
        outcome = Outcome.YOURS
    else:
        outcome = Outcome.CONFLICT
    return FieldMerge(name, base, theirs, yours, outcome)


def merge(base, theirs, yours):
    """[FieldMerge] for every field of ``theirs`` (dicts of field name → form value), in
    its order. A field ``yours`` does not hold was not sent: it is empty (an unticked
    box, a cleared multiple choice), as a form would read it. A field ``base`` does not
    hold is one whose loaded value is unknown."""
    return [
        merge_field(
            name,
            normalise(base[name]) if name in base else None,
            value,
            yours.get(name),
        )
        for name, value in theirs.items()
    ]


def conflicts(merges):
    return [m.name for m in merges if m.outcome is Outcome.CONFLICT]
