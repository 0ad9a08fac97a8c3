from django.urls import path

from negotiations import feeds
from negotiations.views import insight, pages, positions, proposals, sharing
from negotiations.views import search as searching

app_name = "negotiations"


def both_formats(stem, view, name):
    """`stem.csv` and `stem.json` under one name, so any other suffix is a 404;
    reverse with fmt="csv" or fmt="json"."""
    return [path(f"{stem}.{fmt}", view, {"fmt": fmt}, name=name) for fmt in ("csv", "json")]


urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.healthz, name="healthz"),
    path("sources/", pages.source_list, name="sources"),
    path("sources/<uuid:uid>/", pages.source_detail, name="source"),
    # Positions
    path("n/<slug:slug>/", positions.dashboard, name="negotiation"),
    path("n/<slug:slug>/snapshot/", positions.snapshot, name="snapshot"),
    path("n/<slug:slug>/parties/<slug:party>/", positions.party_detail, name="party"),
    path("n/<slug:slug>/issues/<slug:issue>/", positions.issue_detail, name="issue"),
    path("n/<slug:slug>/issues/<slug:issue>/<slug:party>/", positions.thread, name="thread"),
    path("n/<slug:slug>/positions/new/", positions.position_add, name="position_add"),
    path("positions/<int:pk>/edit/", positions.position_edit, name="position_edit"),
    path("positions/<int:pk>/delete/", positions.position_delete, name="position_delete"),
    # Insight
    path("n/<slug:slug>/timeline/", insight.timeline, name="timeline"),
    path("n/<slug:slug>/analytics/", insight.analytics, name="analytics"),
    *both_formats("n/<slug:slug>/analytics", insight.analytics_export, "analytics_export"),
    # Sharing
    path("search/", searching.search_page, name="search"),
    *both_formats("search/export", searching.search_export, "search_export"),
    *both_formats("n/<slug:slug>/proposals/export", sharing.proposals_export, "proposals_export"),
    *both_formats(
        "n/<slug:slug>/proposals/<slug:proposal>/export",
        sharing.provisions_export,
        "provisions_export",
    ),
    *both_formats("n/<slug:slug>/compare/export", sharing.compare_export, "compare_export"),
    *both_formats("sources/export", sharing.sources_export, "sources_export"),
    path("n/<slug:slug>/document.json", sharing.negotiation_document, name="export_negotiation"),
    *both_formats("n/<slug:slug>/export", sharing.matrix_export, "matrix_export"),
    *both_formats("n/<slug:slug>/positions", sharing.positions_export, "positions_export"),
    *both_formats("n/<slug:slug>/snapshot/export", sharing.snapshot_export, "snapshot_export"),
    *both_formats(
        "n/<slug:slug>/parties/<slug:party>/export", sharing.party_export, "party_export"
    ),
    *both_formats("n/<slug:slug>/issues/<slug:issue>/export", sharing.issue_export, "issue_export"),
    *both_formats(
        "n/<slug:slug>/issues/<slug:issue>/<slug:party>/export",
        sharing.thread_export,
        "thread_export",
    ),
    path("import/", sharing.import_upload, name="import"),
    path("feeds/", sharing.feed_tokens, name="feed_tokens"),
    path("feeds/token/", sharing.feed_token_change, name="feed_token_change"),
    path("feeds/<str:token>/n/<slug:slug>/", feeds.negotiation_feed, name="feed_negotiation"),
    path(
        "feeds/<str:token>/n/<slug:slug>/issues/<slug:issue>/<slug:party>/",
        feeds.thread_feed,
        name="feed_thread",
    ),
    # Proposals
    path("n/<slug:slug>/proposals/", proposals.proposal_list, name="proposals"),
    path("n/<slug:slug>/proposals/new/", proposals.proposal_add, name="proposal_add"),
    path("n/<slug:slug>/proposals/paste/", proposals.proposal_paste, name="proposal_paste"),
    path("n/<slug:slug>/proposals/<slug:proposal>/", proposals.proposal_detail, name="proposal"),
    path(
        "n/<slug:slug>/proposals/<slug:proposal>/edit/",
        proposals.proposal_edit,
        name="proposal_edit",
    ),
    path(
        "n/<slug:slug>/proposals/<slug:proposal>/provisions/new/",
        proposals.provision_add,
        name="provision_add",
    ),
    path(
        "n/<slug:slug>/proposals/<slug:proposal>/provisions/order/",
        proposals.provisions_reorder,
        name="provisions_reorder",
    ),
    path("n/<slug:slug>/compare/", proposals.compare, name="compare"),
    path("provisions/<int:pk>/edit/", proposals.provision_edit, name="provision_edit"),
    path("provisions/<int:pk>/delete/", proposals.provision_delete, name="provision_delete"),
    path("provisions/<int:pk>/history/", proposals.provision_history, name="provision_history"),
]
