"""Background entry points for imports; each calls a service (style.md: tasks are thin)."""

from dudao.core.tasks import task
from dudao.imports.services import import_job_run


@task()
def import_job_run_task(job_id: int) -> None:
    import_job_run(job_id=job_id)
