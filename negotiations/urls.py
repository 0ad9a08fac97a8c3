from django.urls import path

from negotiations.exchange import feeds as atom
from negotiations.views import (
    changes,
    citations,
    codebook,
    events,
    exports,
    feeds,
    importing,
    insight,
    pages,
    persons,
    positions,
    proposals,
    records,
    search,
    sources,
    texts,
)

app_name = "negotiations"


def both_formats(stem, view, name):
    """`stem.csv` and `stem.json` under one name, so any other suffix is a 404;
    reverse with fmt="csv" or fmt="json"."""
    return [path(f"{stem}.{fmt}", view, {"fmt": fmt}, name=name) for fmt in ("csv", "json")]


urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.healthz, name="healthz"),
    path("sources/", pages.source_list, name="sources"),
    path("sources/new/", sources.source_add, name="source_add"),
    path("sources/find.json", sources.source_find, name="source_find"),
    path("sources/<uuid:uid>/", pages.source_detail, name="source"),
    path("sources/<uuid:uid>/edit/", sources.source_edit, name="source_edit"),
    path("sources/<uuid:uid>/file/", sources.source_file, name="source_file"),
    path("codebook/", codebook.codebook_page, name="codebook"),
    path("changes/", changes.site_changes, name="changes"),
    path("n/<slug:slug>/changes/", changes.negotiation_changes, name="negotiation_changes"),
    *both_formats("codebook", codebook.codebook_export, "codebook_export"),
    # Positions
    path("n/<slug:slug>/", positions.dashboard, name="negotiation"),
    path("n/<slug:slug>/snapshot/", positions.snapshot, name="snapshot"),
    path("n/<slug:slug>/parties/<slug:party>/", positions.party_detail, name="party"),
    path("n/<slug:slug>/issues/<slug:issue>/", positions.issue_detail, name="issue"),
    path("n/<slug:slug>/issues/<slug:issue>/<slug:party>/", positions.thread, name="thread"),
    path("n/<slug:slug>/positions/new/", positions.position_add, name="position_add"),
    path(
        "n/<slug:slug>/positions/previous.json",
        positions.previous_statement,
        name="previous_statement",
    ),
    path("n/<slug:slug>/persons/", persons.person_list, name="persons"),
    path("n/<slug:slug>/persons/new/", persons.person_add, name="person_add"),
    path("n/<slug:slug>/persons/<int:pk>/edit/", persons.person_edit, name="person_edit"),
    path("n/<slug:slug>/events/new/", events.event_add, name="event_add"),
    path("n/<slug:slug>/events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("positions/<int:pk>/edit/", positions.position_edit, name="position_edit"),
    path("positions/<int:pk>/delete/", positions.position_delete, name="position_delete"),
    # Insight
    path("n/<slug:slug>/timeline/", insight.timeline, name="timeline"),
    path("n/<slug:slug>/analytics/", insight.analytics, name="analytics"),
    *both_formats("n/<slug:slug>/analytics", insight.analytics_export, "analytics_export"),
    # Sharing
    path("search/", search.search_page, name="search"),
    *both_formats("search/export", search.search_export, "search_export"),
    *both_formats("n/<slug:slug>/proposals/export", exports.proposals_export, "proposals_export"),
    *both_formats(
        "n/<slug:slug>/proposals/<slug:proposal>/export",
        exports.provisions_export,
        "provisions_export",
    ),
    *both_formats("n/<slug:slug>/compare/export", exports.compare_export, "compare_export"),
    *both_formats("sources/export", exports.sources_export, "sources_export"),
    path("n/<slug:slug>/document.json", exports.negotiation_document, name="export_negotiation"),
    path("n/<slug:slug>/dataset.zip", exports.dataset, name="dataset"),
    *both_formats("n/<slug:slug>/export", exports.matrix_export, "matrix_export"),
    *both_formats("n/<slug:slug>/positions", exports.positions_export, "positions_export"),
    *both_formats("n/<slug:slug>/snapshot/export", exports.snapshot_export, "snapshot_export"),
    *both_formats(
        "n/<slug:slug>/parties/<slug:party>/export", exports.party_export, "party_export"
    ),
    *both_formats("n/<slug:slug>/issues/<slug:issue>/export", exports.issue_export, "issue_export"),
    *both_formats(
        "n/<slug:slug>/issues/<slug:issue>/<slug:party>/export",
        exports.thread_export,
        "thread_export",
    ),
    path("import/", importing.import_upload, name="import"),
    path("import/jobs/<int:pk>/", importing.import_job, name="import_job"),
    path("feeds/", feeds.feed_tokens, name="feed_tokens"),
    path("feeds/token/", feeds.feed_token_change, name="feed_token_change"),
    path("feeds/<str:token>/n/<slug:slug>/", atom.negotiation_feed, name="feed_negotiation"),
    path(
        "feeds/<str:token>/n/<slug:slug>/issues/<slug:issue>/<slug:party>/",
        atom.thread_feed,
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
        "n/<slug:slug>/provisions/from-text/",
        proposals.provision_from_text,
        name="provision_from_text",
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
    path("n/<slug:slug>/proposals/<slug:proposal>/steps/new/", texts.step_add, name="step_add"),
    path(
        "n/<slug:slug>/proposals/<slug:proposal>/parties/new/",
        texts.party_add,
        name="text_party_add",
    ),
    path(
        "n/<slug:slug>/proposals/<slug:proposal>/reported/new/",
        texts.reported_add,
        name="reported_add",
    ),
    *[
        path(
            f"n/<slug:slug>/proposals/<slug:proposal>/{stem}/<int:pk>/{action}/",
            view,
            name=f"{name}_{action}",
        )
        for stem, name, views in (
            ("steps", "step", (texts.step_edit, texts.step_delete)),
            ("parties", "text_party", (texts.text_party_edit, texts.text_party_delete)),
            ("reported", "reported", (texts.reported_edit, texts.reported_delete)),
        )
        for action, view in zip(("edit", "delete"), views, strict=True)
    ],
    path("n/<slug:slug>/compare/", proposals.compare, name="compare"),
    path("n/<slug:slug>/compare/pairing/", proposals.compare_pairing, name="compare_pairing"),
    path("provisions/<int:pk>/edit/", proposals.provision_edit, name="provision_edit"),
    path("provisions/<int:pk>/delete/", proposals.provision_delete, name="provision_delete"),
    path("provisions/<int:pk>/history/", proposals.provision_history, name="provision_history"),
    path("citations/<int:pk>/edit/", citations.citation_edit, name="citation_edit"),
    path("citations/<int:pk>/delete/", citations.citation_delete, name="citation_delete"),
    # Any record's history, also once it is deleted (feed entries about deleted records).
    path("history/<slug:kind>/<int:pk>/", records.record_history, name="record_history"),
]
