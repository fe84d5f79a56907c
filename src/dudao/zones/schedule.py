"""Background upkeep of the zones app (core/schedule.py finds this module)."""

from dudao.core.jobs import watch

# A plaque batch whose worker died is failed by the scheduler's sweep (core/jobs.py).
watch("zones.PlaqueBatch", "dudao.zones.plaques.plaque_batch_check_stalled",
      pending="pending", running=["running"])
