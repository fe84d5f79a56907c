"""Background entry points for monitoring; each calls a service (style.md: tasks are thin)."""

from dudao.core.tasks import task
from dudao.monitoring.services import monitoring_run_queued


@task()
def monitoring_recompute_task(run_id: int) -> None:
    monitoring_run_queued(run_id=run_id)
