"""Background upkeep of the imports app (core/schedule.py finds this module)."""

from dudao.core.jobs import watch

# An import whose worker died is failed by the scheduler's sweep, never run again (its file may be
# what killed the worker); one no worker ever took is enqueued again, a few times (core/jobs.py).
watch("imports.ImportJob", "dudao.imports.services.import_job_check_stalled",
      pending="pending", running=["validating", "writing"])
