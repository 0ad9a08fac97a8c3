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


def record(step, citations, reason):
    """Create the commitments of a committing ``step`` (already saved) for each signatory
    and issue, each with a copy of the step's ``citations``. Call inside the step's
    transaction: a refusal leaves nothing saved."""
    proposal = step.proposal
    if message := problem(proposal, step.kind):
        raise ValidationError({"kind": message})
    made = []
    for party in proposal.signatories():
        for issue in proposal.addressed_issues():
            position = Position(
                party=party,
                issue=issue,
                stance=Position.Stance.COMMITTED,
                summary=f"{VERBS[step.kind]} “{proposal.title}”, which addresses {issue.title}.",
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
