from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from dudao.api.main import api
from dudao.core import views as core_views
from dudao.home import views as home_views

urlpatterns = [
    path("", include(([path("", home_views.home, name="home"),
                       path("jobs/attention/", home_views.jobs_attention, name="jobs_attention"),
                       path("exports/<int:pk>/", core_views.export_job, name="export_job"),
                       path("exports/<int:pk>/download/", core_views.export_download, name="export_download")],
                      "core"))),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="jsi18n"),
    path("regions/", include("dudao.regions.urls")),
    path("schools/", include("dudao.schools.urls")),
    path("people/", include("dudao.people.urls")),
    path("imports/", include("dudao.imports.urls")),
    path("supervisors/", include("dudao.supervisors.urls")),
    path("zones/", include("dudao.zones.urls")),
    path("s/", include("dudao.zones.public_urls")),
    path("visits/", include("dudao.visits.urls")),
    path("campaigns/", include("dudao.campaigns.urls")),
    path("notifications/", include("dudao.notifications.urls")),
    path("findings/", include("dudao.findings.urls")),
    path("complaints/", include("dudao.complaints.urls")),
    path("monitoring/", include("dudao.monitoring.urls")),
    path("frameworks/", include("dudao.frameworks.urls")),
    path("surveys/", include("dudao.surveys.urls")),
    path("q/", include("dudao.surveys.public_urls")),
    path("governance/", include("dudao.governance.urls")),
    path("evaluations/", include("dudao.evaluations.urls")),
    path("documents/", include("dudao.documents.urls")),
    path("bulletins/", include("dudao.bulletins.urls")),
    path("monthly/", include("dudao.monthly.urls")),
    path("outcomes/", include("dudao.outcomes.urls")),
    path("library/", include("dudao.library.urls")),
    path("public/", include("dudao.portal.urls")),
    path("system/", include("dudao.system.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]
