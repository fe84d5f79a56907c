from django.urls import path

from dudao.surveys import views_results
from dudao.surveys.views import office

app_name = "surveys"

urlpatterns: list = [
    path("", office.survey_index, name="index"),
    path("new/", office.survey_create, name="create"),
    path("<int:pk>/", office.survey_detail, name="detail"),
    path("<int:pk>/state/", office.survey_state, name="state"),
    path("<int:pk>/links/", office.links_generate, name="links_generate"),
    path("<int:pk>/links/<int:link_pk>/", office.link_edit, name="link_edit"),
    path("<int:pk>/links/print/", office.links_print, name="links_print"),
    path("<int:pk>/suspicious/", office.suspicious, name="suspicious"),
    path("<int:pk>/responses/<int:response_pk>/void/", office.response_void, name="response_void"),
    path("questionnaires/", office.questionnaire_list, name="questionnaires"),
    path("questionnaires/<int:pk>/", office.questionnaire_detail, name="questionnaire"),
    path("questionnaires/<int:pk>/copy/", office.questionnaire_copy, name="questionnaire_copy"),
    path("questionnaires/<int:pk>/edit/", office.questionnaire_edit, name="questionnaire_edit"),
    path("questionnaires/<int:pk>/questions/new/", office.question_edit, name="question_add"),
    path("questionnaires/<int:pk>/questions/<int:question_pk>/", office.question_edit, name="question_edit"),
    path("questionnaires/<int:pk>/questions/<int:question_pk>/delete/", office.question_delete, name="question_delete"),
    path("questionnaires/<int:pk>/questions/<int:question_pk>/move/", office.question_move, name="question_move"),
]

# --- results (问卷调查结果): surveys/views_results.py ---
urlpatterns += [
    path("results/", views_results.results_index, name="results_index"),
    path("<int:pk>/results/", views_results.survey_results, name="results"),
    path("<int:pk>/results/texts/<str:code>/", views_results.survey_texts, name="results_texts"),
    path("<int:pk>/results/export/", views_results.results_export, name="results_export"),
    path("<int:pk>/responses/export/", views_results.responses_export, name="responses_export"),
    path("<int:pk>/results/findings/", views_results.results_findings, name="results_findings"),
]
