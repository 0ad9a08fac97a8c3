from django.urls import path

from negotiations import feeds
from negotiations.views import insight, pages, positions, proposals, sharing

app_name = "negotiations"

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
    # One route per format (any other suffix is a 404); reverse with fmt="csv" or "json".
    path(
        "n/<slug:slug>/analytics.csv",
        insight.analytics_export,
        {"fmt": "csv"},
        name="analytics_export",
    ),
    path(
        "n/<slug:slug>/analytics.json",
        insight.analytics_export,
        {"fmt": "json"},
        name="analytics_export",
    ),
    # Sharing
    path("search/", sharing.search_page, name="search"),
    path("search/export.csv", sharing.search_export, {"fmt": "csv"}, name="search_export"),
    path("search/export.json", sharing.search_export, {"fmt": "json"}, name="search_export"),
    path(
        "n/<slug:slug>/proposals/export.csv",
        sharing.proposals_export,
        {"fmt": "csv"},
        name="proposals_export",
    ),
    path(
        "n/<slug:slug>/proposals/<slug:proposal>/export.csv",
        sharing.provisions_export,
        {"fmt": "csv"},
        name="provisions_export",
    ),
    path(
        "n/<slug:slug>/compare/export.csv",
        sharing.compare_export,
        {"fmt": "csv"},
        name="compare_export",
    ),
    path(
        "n/<slug:slug>/proposals/export.json",
        sharing.proposals_export,
        {"fmt": "json"},
        name="proposals_export",
    ),
    path(
        "n/<slug:slug>/proposals/<slug:proposal>/export.json",
        sharing.provisions_export,
        {"fmt": "json"},
        name="provisions_export",
    ),
    path(
        "n/<slug:slug>/compare/export.json",
        sharing.compare_export,
        {"fmt": "json"},
        name="compare_export",
    ),
    path("sources/export.csv", sharing.sources_export, {"fmt": "csv"}, name="sources_export"),
    path("sources/export.json", sharing.sources_export, {"fmt": "json"}, name="sources_export"),
    path("n/<slug:slug>/document.json", sharing.negotiation_document, name="export_negotiation"),
    path("n/<slug:slug>/export.csv", sharing.matrix_export, {"fmt": "csv"}, name="matrix_export"),
    path("n/<slug:slug>/export.json", sharing.matrix_export, {"fmt": "json"}, name="matrix_export"),
    path(
        "n/<slug:slug>/positions.csv",
        sharing.positions_export,
        {"fmt": "csv"},
        name="positions_export",
    ),
    path(
        "n/<slug:slug>/positions.json",
        sharing.positions_export,
        {"fmt": "json"},
        name="positions_export",
    ),
    path(
        "n/<slug:slug>/snapshot/export.csv",
        sharing.snapshot_export,
        {"fmt": "csv"},
        name="snapshot_export",
    ),
    path(
        "n/<slug:slug>/snapshot/export.json",
        sharing.snapshot_export,
        {"fmt": "json"},
        name="snapshot_export",
    ),
    path(
        "n/<slug:slug>/parties/<slug:party>/export.csv",
        sharing.party_export,
        {"fmt": "csv"},
        name="party_export",
    ),
    path(
        "n/<slug:slug>/parties/<slug:party>/export.json",
        sharing.party_export,
        {"fmt": "json"},
        name="party_export",
    ),
    path(
        "n/<slug:slug>/issues/<slug:issue>/export.csv",
        sharing.issue_export,
        {"fmt": "csv"},
        name="issue_export",
    ),
    path(
        "n/<slug:slug>/issues/<slug:issue>/export.json",
        sharing.issue_export,
        {"fmt": "json"},
        name="issue_export",
    ),
    path(
        "n/<slug:slug>/issues/<slug:issue>/<slug:party>/export.csv",
        sharing.thread_export,
        {"fmt": "csv"},
        name="thread_export",
    ),
    path(
        "n/<slug:slug>/issues/<slug:issue>/<slug:party>/export.json",
        sharing.thread_export,
        {"fmt": "json"},
        name="thread_export",
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
