from django.urls import path

app_name = "supervisors"
urlpatterns: list = [
    # supervisors list/detail/forms, team statistics, training: see supervisors/views.py
]
