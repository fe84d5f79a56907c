"""Daily jobs of the complaints app (core/schedule.py finds this module)."""

from dudao.core.schedule import daily

# Overdue reminders before the working day starts; investigated complaints whose finding was closed are closed.
daily("complaints.daily", "dudao.complaints.services.complaints_daily", at="07:10")
