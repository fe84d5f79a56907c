"""Daily jobs of the findings ledger (core/schedule.py finds this module)."""

from dudao.core.schedule import daily

# 06:30 Beijing time: reminders and escalations are there before the working day starts.
daily("findings.daily", "dudao.findings.escalation.findings_daily", at="06:30")
