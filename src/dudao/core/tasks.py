"""The one place that imports the task framework, so moving to django.tasks (Django 6) is one line."""

from django_tasks import task  # noqa: F401  (re-exported)

__all__ = ["task"]
