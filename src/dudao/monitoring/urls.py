from django.urls import path

from dudao.monitoring.views import dashboards as views
from dudao.monitoring.views import planning as views_planning
from dudao.monitoring.views import template as views_template

app_name = "monitoring"

urlpatterns: list = [
    # --- dashboards (read only the stored results) ------------------------------------------------
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("indicator/", views.indicator, name="indicator"),
    path("school/<int:pk>/", views.school, name="school"),
    path("export/", views.export, name="export"),
    # --- warnings → findings, recompute ------------------------------------------------------------
    path("warnings/", views.warnings, name="warnings"),
    path("recompute/", views.recompute, name="recompute"),
    path("run/", views.run_status, name="run_status"),
    # --- decision support: least additions to pass (达标测算) ----------------------------------------
    path("planning/", views_planning.planning, name="planning"),
    path("planning/export/", views_planning.planning_export, name="planning_export"),
    # --- the `dudao balance` template (monitor-core) -----------------------------------------------
    path("balance-template/", views_template.balance_template, name="balance_template"),
]
