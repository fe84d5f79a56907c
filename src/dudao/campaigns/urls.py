"""URLs of the campaigns app (namespace "campaigns", under /campaigns/).

LEAD (merge): the scoring helper's paths only (self-inspection and results); the campaign,
teams and onsite helpers append theirs.
"""

from django.urls import path

from dudao.campaigns.views import results, self_inspection

app_name = "campaigns"

urlpatterns = [
    # 自查自纠 (views/self_inspection.py)
    path("<int:pk>/self/", self_inspection.self_form, name="self_form"),
    path("<int:pk>/self/evidence/", self_inspection.self_evidence_upload, name="self_evidence_upload"),
    path("<int:pk>/self/evidence/<int:evidence_id>/", self_inspection.self_evidence_file, name="self_evidence_file"),
    path("<int:pk>/self/evidence/<int:evidence_id>/delete/", self_inspection.self_evidence_delete,
         name="self_evidence_delete"),
    path("<int:pk>/self/schools/", self_inspection.self_list, name="self_list"),
    path("<int:pk>/self/schools/<int:school_id>/reopen/", self_inspection.self_reopen, name="self_reopen"),
    path("<int:pk>/self/late/", self_inspection.self_late, name="self_late"),
    # results (views/results.py)
    path("<int:pk>/results/", results.result_list, name="result_list"),
    path("<int:pk>/results/export/", results.result_export, name="result_export"),
    path("<int:pk>/results/compute/", results.result_compute, name="result_compute"),
    path("<int:pk>/results/findings/", results.result_findings, name="result_findings"),
    path("<int:pk>/results/<int:school_id>/", results.result_school, name="result_school"),
]
