from django.urls import path

from rung.showcase import views

app_name = "showcase"

urlpatterns = [
    path("showcase/", views.index, name="index"),
    path("showcase/mine/", views.mine, name="mine"),
    path("showcase/new/<uuid:engagement_uuid>/", views.create, name="create"),
    path("showcase/consent/", views.consent_requests, name="consent_requests"),
    path("showcase/curation/", views.queue, name="queue"),
    path("showcase/catalogues/", views.catalogues, name="catalogues"),
    path("showcase/catalogues/new/", views.new_catalogue, name="new_catalogue"),
    path("showcase/catalogues/<slug:slug>/", views.catalogue, name="catalogue"),
    path("showcase/projects/<uuid:project_uuid>/policy/", views.project_policy, name="policy"),
    path("showcase/moderation/", views.moderation, name="moderation"),
    path("showcase/moderation/<str:kind>/<uuid:target_uuid>/", views.moderate, name="moderate"),
    path("showcase/report/<str:kind>/<uuid:target_uuid>/", views.report, name="report"),
    path("showcase/<slug:slug>/", views.item, name="item"),
    path("showcase/<slug:slug>/edit/", views.edit, name="edit"),
    path("showcase/<slug:slug>/files/<uuid:file_uuid>/", views.item_file, name="file"),
    path("showcase/<slug:slug>/consent/request/", views.request_consent, name="request_consent"),
    path("showcase/<slug:slug>/consent/", views.consent, name="consent"),
    path("showcase/<slug:slug>/consent/withdraw/", views.withdraw_consent, name="withdraw_consent"),
    path("showcase/<slug:slug>/resubmit/", views.resubmit, name="resubmit"),
    path("showcase/<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("showcase/<slug:slug>/invite/", views.invite, name="invite"),
    path("showcase/<slug:slug>/check/", views.check, name="check"),
    path("showcase/<slug:slug>/decide/", views.decide, name="decide"),
    path("showcase/<slug:slug>/licence/offer/", views.offer_licence, name="offer_licence"),
    path("showcase/<slug:slug>/licence/status/", views.offer_status, name="offer_status"),
    path("showcase/<slug:slug>/licence/buy/", views.buy_licence, name="buy_licence"),
    path("showcase/licences/<uuid:purchase_uuid>/", views.licence, name="licence"),
    path("portfolio/", views.portfolio_edit, name="portfolio_edit"),
    path("p/<slug:slug>/", views.portfolio, name="portfolio"),
    path("p/<slug:slug>/photo/", views.portfolio_photo, name="portfolio_photo"),
]
