from django.urls import path

from dudao.visits import views_plans

app_name = "visits"

urlpatterns: list = [
    # --- monthly plans ---------------------------------------------------------------------------
    path("plans/mine/", views_plans.my_plan, name="plan_mine"),
    path("plans/", views_plans.office_plans, name="plans"),
    # --- the supervisor's phone pages (record a visit, drafts, photos, plans) --------------------
    # --- the office's pages (compliance, never visited, calendar, visit log, record sheet) ------
]
