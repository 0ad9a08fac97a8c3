"""The codebook: what every stance and movement means, so that two analysts code the
same sentence the same way.

Each entry has the stored key (stable: data and exports use it), the label shown on
pages, a definition written as a test an analyst can apply to a sentence, and an
example. The examples are constructed ("Party A", "Party B"), never facts about real
parties. The codebook page (/codebook/) shows them, every form that asks for a stance
or a movement links to it, and codebook.csv / codebook.json download them.

Deciding between the firm stances, in this order: a sentence that says the party will
never accept something, whatever it gets, is a red line; one that makes the party's own
agreement depend on something is a condition; one that requires something of the other
side, without saying what happens otherwise, is a demand.
"""

from dataclasses import dataclass

from negotiations.models import Position

S, M = Position.Stance, Position.Movement


@dataclass(frozen=True)
class Entry:
    kind: str  # "stance" or "movement"
    key: str
    label: str
    definition: str
    example: str
    # Only recorded by the app (initialling, signing, ratifying a text), never typed.
    recorded_only: bool = False

    @property
    def anchor(self):
        return f"{self.kind}-{self.key}"


_STANCES = {
    S.DEMAND: (
        "The party requires something of another party, as a claim it expects to be met, "
        "without making its own agreement depend on it (that is a condition) and without "
        "calling it non-negotiable (that is a red line).",
        "Constructed: “Party B must withdraw its forces from the border villages.”",
    ),
    S.RED_LINE: (
        "The party says something is non-negotiable: it will never accept it (or never give "
        "it up), whatever it is offered. The words “never”, “under no circumstances”, "
        "“not negotiable” are the usual signs; firmness of tone alone is not enough.",
        "Constructed: “Party A will under no circumstances give up control of the pass.”",
    ),
    S.CONDITION: (
        "The party makes its own action or agreement depend on something: “only if”, "
        "“provided that”, “not before”. The sentence names what the party would do and "
        "what must happen first.",
        "Constructed: “Party A will sign only after Party B amends its constitution.”",
    ),
    S.OFFER: (
        "The party offers something of its own in exchange, or as a concession: what it "
        "would give, do or give up. An offer gives; a proposal designs.",
        "Constructed: “Party A is ready to open its airspace to Party B's flights.”",
    ),
    S.PROPOSES: (
        "The party puts forward an arrangement or a text for both sides (a mechanism, a "
        "format, a wording) without it being chiefly a concession of its own.",
        "Constructed: “Party A proposes a joint commission to delimit the border.”",
    ),
    S.ACCEPTS: (
        "The party agrees to something another party proposed or demanded: the sentence "
        "answers someone else's idea with yes.",
        "Constructed: “Party B accepts the mediators' draft as a basis for talks.”",
    ),
    S.SUPPORTS: (
        "The party speaks in favour of an idea or outcome without a proposal, an offer or "
        "an agreement of its own: sympathy, not a commitment.",
        "Constructed: “Party C supports an early conclusion of the peace treaty.”",
    ),
    S.COMMITS: (
        "The party promises to do (or not to do) something itself, unconditionally, in its "
        "own words. A promise that depends on something is a condition; a commitment made "
        "by initialling, signing or ratifying a text is recorded by the text, not typed.",
        "Constructed: “Party A will not deploy troops within 5 km of the line.”",
    ),
    S.OPEN: (
        "The party says it has not decided, or is ready to discuss, without leaning either way.",
        "Constructed: “Party B is open to discussing the status of the route.”",
    ),
    S.CONCERN: (
        "The party voices worry or reservations about something without rejecting it: it "
        "could still accept it. Stronger words (“unacceptable”) are opposes or rejects.",
        "Constructed: “Party A is concerned that the checkpoints would slow trade.”",
    ),
    S.OPPOSES: (
        "The party is against an idea, an outcome or another party's conduct in general "
        "terms, without formally turning down a concrete proposal put to it (that is "
        "rejects).",
        "Constructed: “Party B opposes any foreign presence on the route.”",
    ),
    S.REJECTS: (
        "The party turns down a concrete proposal, demand or text put to it. Rejects answers "
        "something on the table; opposes is a general view.",
        "Constructed: “Party A rejected Party B's latest draft.”",
    ),
    S.DENIES: (
        "The party says a claim about facts is untrue: that it did something, agreed to "
        "something, or that an event happened. It disputes facts, not a proposal.",
        "Constructed: “Party B denies that it agreed to a third-party guarantee.”",
    ),
    S.THREATENS: (
        "The party announces a cost it will impose if something happens or does not "
        "happen (force, sanctions, walking out). A threat names a consequence; a condition "
        "names the party's own agreement.",
        "Constructed: “Party A will leave the talks if the deadline passes.”",
    ),
    S.COMMITTED: (
        "Recorded by the app when a party initials, signs or ratifies a text: the party "
        "accepted what the text says on the issue. Never chosen in the statement form.",
        "Constructed: Party A and Party B sign the agreement; each gets a “committed” "
        "statement on every issue it addresses.",
    ),
}

_MOVEMENTS = {
    M.NEW: (
        "The party's first statement on the issue in this thread.",
        "Constructed: the first time Party A is recorded on the transit route.",
    ),
    M.HARDENED: (
        "Firmer than the party's previous statement on the issue: more required of the "
        "other side, less given (e.g. a demand becomes a red line, an offer is narrowed).",
        "Constructed: “a joint commission” before, now “our border guards only”.",
    ),
    M.SOFTENED: (
        "Less firm than the previous statement: less required, more given, a red line "
        "turned into a condition, a rejection into an open stance.",
        "Constructed: “never” before, now “only after the constitution is amended”.",
    ),
    M.RESTATED: (
        "Says the same as the previous statement: same stance, same substance.",
        "Constructed: Party A repeats its demand word for word a month later.",
    ),
    M.CLARIFIED: (
        "Same stance and substance as before, with detail added that narrows what it means "
        "without making it firmer or softer. Not a shift.",
        "Constructed: “withdraw forces” before, now “withdraw forces, within 30 days”.",
    ),
    M.DROPPED: (
        "The party no longer holds the previous position, without accepting the other "
        "side's: the demand is abandoned or said to be no longer relevant.",
        "Constructed: Party B says the question of the enclave “is no longer on the agenda”.",
    ),
    M.CONCEDED: (
        "The party accepts what it previously refused or demanded otherwise: a firm "
        "stance (condition or firmer) followed by acceptance or commitment.",
        "Constructed: Party A had rejected the mediators' draft; it now accepts it.",
    ),
    M.ORDER_UNCERTAIN: (
        "The statement's date overlaps another statement's in the thread, so which one it "
        "follows is not known and no movement is computed. Set by the app.",
        "Constructed: one statement dated “2023”, another “March 2023”.",
    ),
}


def _entries(kind, choices, texts):
    return [
        Entry(
            kind=kind,
            key=choice.value,
            label=choice.label,
            definition=texts[choice][0],
            example=texts[choice][1],
            recorded_only=choice in (S.COMMITTED, M.ORDER_UNCERTAIN),
        )
        for choice in choices
    ]


STANCES = _entries("stance", S, _STANCES)
MOVEMENTS = _entries("movement", M, _MOVEMENTS)
ENTRIES = STANCES + MOVEMENTS

COLUMNS = ["kind", "key", "label", "definition", "example", "recorded_only"]


def rows():
    for entry in ENTRIES:
        yield tuple(getattr(entry, name) for name in COLUMNS)
