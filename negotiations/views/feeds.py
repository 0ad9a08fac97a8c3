"""My secret feed addresses: see, revoke or regenerate them (the feeds themselves are
in negotiations/exchange/feeds.py)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from negotiations.models import FeedToken, Negotiation, Position


def feed_tokens(request):
    """My secret feed URLs, to paste into a feed reader; revoke or regenerate them."""
    token = request.user.feed_tokens.active().first()
    negotiations, threads = [], []
    if token is not None:
        negotiations = list(Negotiation.objects.all())
        threads = (
            Position.objects.order_by(
                "issue__negotiation__title", "issue__order", "issue__title", "party__name"
            )
            .values_list(
                "issue__negotiation__slug",
                "issue__negotiation__title",
                "issue__slug",
                "issue__title",
                "party__slug",
                "party__name",
            )
            .distinct()
        )
    context = {"token": token, "negotiations": negotiations, "threads": threads}
    return render(request, "negotiations/feed_tokens.html", context)


@require_POST
def feed_token_change(request):
    """Revoke every active token of mine; with action=regenerate, make a new one."""
    regenerate = request.POST.get("action") == "regenerate"
    for token in request.user.feed_tokens.active():
        token.revoked_at = timezone.now()
        token.save()
    if regenerate:
        FeedToken.objects.create(user=request.user)
        messages.success(request, "Your new feed address is below. Old addresses no longer work.")
    else:
        messages.success(request, "Your feed addresses are revoked. Feed readers get nothing.")
    return redirect("negotiations:feed_tokens")
