"""The one place that imports the task framework, so moving to django.tasks (Django 6) is one line;
and the core app's own background entry points (each calls a service)."""

from django_tasks import task

__all__ = ["export_job_run_task", "task"]


@task()
def export_job_run_task(job_id: int) -> None:
    from dudao.core.exports import export_job_run

    export_job_run(job_id=job_id)
