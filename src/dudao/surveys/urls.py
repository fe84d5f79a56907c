from django.urls import path

from dudao.surveys import views_results

app_name = "surveys"

urlpatterns: list = []

# --- results (问卷调查结果): surveys/views_results.py ---
urlpatterns += [
    path("results/", views_results.results_index, name="results_index"),
    path("<int:pk>/results/", views_results.survey_results, name="results"),
    path("<int:pk>/results/texts/<str:code>/", views_results.survey_texts, name="results_texts"),
    path("<int:pk>/results/export/", views_results.results_export, name="results_export"),
    path("<int:pk>/responses/export/", views_results.responses_export, name="responses_export"),
    path("<int:pk>/results/findings/", views_results.results_findings, name="results_findings"),
]
