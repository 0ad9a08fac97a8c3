"""Commitments: initialling, signing or ratifying a text records each signatory's
acceptance of what the text addresses as statements (stance "committed"), dated and
cited like the step, linked to it. They then count like any statement: the matrix's
current cell, the snapshot, analytics, threads and timelines read positions.
"""

from django.core.exceptions import ValidationError

from negotiations.models import Citation, Position

VERBS = {"initialled": "Initialled", "signed": "Signed", "ratified": "Ratified"}


def problem(proposal, kind):
    """Why a step of ``kind`` cannot record commitments for ``proposal``, or None."""
    if kind not in VERBS:
        return None
    if not proposal.signatories():
        return (
            f"“{proposal}” has no signatories: add the parties that "
            f"{VERBS[kind].lower()} it (as signatories) first, then record this step."
        )
    if not proposal.addressed_issues():
        return (
            f"No provision of “{proposal}” is assigned to an issue (nor any reported "
            "content): assign issues first, so that the commitments say what was accepted."
        )
    return None


def previous_statement(party, issue, step):
    """The party's latest statement on the issue that is certainly earlier than the step
    (its latest possible day is before the step's earliest)."""
    earlier = Position.objects.filter(party=party, issue=issue, date__lt=step.date)
    for position in earlier.order_by("-date", "-date_end", "-pk")[:20]:
        if position.partial_date.end < step.date:
            return position
    return None


def _summary(step, issue):
    return f"{VERBS[step.kind]} “{step.proposal.title}”, which addresses {issue.title}."


def record(step, citations, reason, parties=None):
    """Create the commitments of a committing ``step`` (already saved) for each signatory
    (or each of ``parties``) and issue, each with a copy of the step's ``citations``.
    Call inside the step's transaction: a refusal leaves nothing saved."""
    proposal = step.proposal
    if message := problem(proposal, step.kind):
        raise ValidationError({"kind": message})
    made = []
    for party in proposal.signatories() if parties is None else parties:
        for issue in proposal.addressed_issues():
            position = Position(
                party=party,
                issue=issue,
                stance=Position.Stance.COMMITTED,
                summary=_summary(step, issue),
                commitment_of=step,
            )
            position.partial_date = step.partial_date
            position.movement = position.suggest_movement(previous_statement(party, issue, step))
            position.full_clean()
            position._change_reason = reason
            position.save()
            for c in citations:
                copy = Citation(
                    source=c.source, locator=c.locator, excerpt=c.excerpt, position=position
                )
                copy._change_reason = reason
                copy.save()
            made.append(position)
    return made


def follow(step, reason, new_citations=()):
    """After ``step`` was edited: its commitments say what it says now. A step that no
    longer commits loses them; one that now commits records them (with copies of its
    citations); otherwise each takes the step's date and verb, and a copy of each of
    ``new_citations`` (added to the step by the edit). Returns (made, changed, removed)."""
    existing = list(step.commitments.select_related("issue"))
    if not step.commits:
        for position in existing:
            position._change_reason = f"The step it came from is no longer a commitment: {reason}"
            position.delete()
        return 0, 0, len(existing)
    if not existing:
        return len(record(step, list(step.citations.all()), reason)), 0, 0
    changed = 0
    for position in existing:
        before = (position.partial_date, position.summary, position.movement)
        position.partial_date = step.partial_date
        position.summary = _summary(step, position.issue)
        previous = previous_statement(position.party, position.issue, step)
        position.movement = position.suggest_movement(previous)
        if (position.partial_date, position.summary, position.movement) != before:
            position.full_clean()
            position._change_reason = f"Follows the edit of its step: {reason}"
            position.save()
            changed += 1
        for c in new_citations:
            copy = Citation(
                source=c.source, locator=c.locator, excerpt=c.excerpt, position=position
            )
            copy._change_reason = reason
            copy.save()
    return 0, changed, 0


def drop_party(proposal, party, reason):
    """A party is no longer a signatory of ``proposal``: its commitments to it go."""
    gone = Position.objects.filter(commitment_of__proposal=proposal, party=party)
    removed = 0
    for position in gone:
        position._change_reason = f"{party} is no longer a signatory of the text: {reason}"
        position.delete()
        removed += 1
    return removed


def add_party(proposal, party, reason):
    """A party became a signatory of ``proposal``: it commits by each committing step
    already recorded (with copies of that step's citations)."""
    made = []
    for step in proposal.steps.filter(kind__in=list(VERBS)):
        made += record(step, list(step.citations.all()), reason, parties=[party])
    return made
