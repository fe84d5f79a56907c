"""Daily jobs of the monthly app (core/schedule.py finds this module)."""

from dudao.core.schedule import daily

# On the 1st (Beijing time) every staffed office gets last month's summary as a draft; other days nothing.
daily("monthly.draft_last_month", "dudao.monthly.services.draft_last_month", at="06:00")
