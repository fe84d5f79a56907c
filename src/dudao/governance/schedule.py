"""Daily jobs of the governance app (core/schedule.py finds this module)."""

from dudao.core.schedule import daily

# 07:15 Beijing time, after the schools' self-inspection reminders (07:10).
daily("governance.self_reminders", "dudao.governance.reminders.self_reminders", at="07:15")
