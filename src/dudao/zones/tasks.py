"""Background entry points for zones; each calls a service (style.md: tasks are thin)."""

from dudao.core.tasks import task
from dudao.zones.plaques import plaque_batch_run


@task()
def plaque_batch_run_task(batch_id: int) -> None:
    plaque_batch_run(batch_id=batch_id)
