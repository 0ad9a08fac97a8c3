from django.urls import path

from negotiations.views import pages, positions, proposals

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
    # Proposals
    path("n/<slug:slug>/proposals/<slug:proposal>/", proposals.proposal_detail, name="proposal"),
]
