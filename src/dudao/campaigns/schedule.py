"""Daily jobs of the campaigns app (core/schedule.py finds this module)."""

from dudao.core.schedule import daily

# 07:10 Beijing time, after the visits' reminders: schools see it when they sign in.
daily("campaigns.self_reminders", "dudao.campaigns.self_inspection.self_inspection_reminders", at="07:10")
