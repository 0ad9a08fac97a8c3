from django.urls import path

from negotiations import views

app_name = "negotiations"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sources/", views.source_list, name="sources"),
    path("sources/<uuid:uid>/", views.source_detail, name="source"),
    path("n/<slug:slug>/", views.negotiation_detail, name="negotiation"),
    path("n/<slug:slug>/issues/<slug:issue>/", views.issue_detail, name="issue"),
    path("n/<slug:slug>/issues/<slug:issue>/<slug:party>/", views.thread, name="thread"),
    path("n/<slug:slug>/proposals/<slug:proposal>/", views.proposal_detail, name="proposal"),
]
