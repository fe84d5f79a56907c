from django.urls import path

from dudao.campaigns.views import onsite as views_onsite

app_name = "campaigns"

urlpatterns: list = [
    # --- on-site inspection (campaigns/onsite.py): the scoring form is visits:field_form ---------
    path("onsite/", views_onsite.mine, name="onsite_mine"),
    path("onsite/start/", views_onsite.start, name="onsite_start"),
    path("<int:pk>/onsite/<int:school_pk>/reconcile/", views_onsite.reconcile, name="onsite_reconcile"),
]
