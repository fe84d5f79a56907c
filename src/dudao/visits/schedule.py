"""Daily jobs of the visits app (core/schedule.py finds this module)."""

from dudao.core.schedule import daily

# 07:00 Beijing time: before the working day, so the reminder is there when people sign in.
daily("visits.reminders", "dudao.visits.reminders.reminders_send", at="07:00")
