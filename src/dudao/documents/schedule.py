"""Daily jobs of the documents app (core/schedule.py finds this module)."""

from dudao.core.schedule import daily

# 08:00 Beijing time: the units that have not commented on a draft whose deadline is the next working day.
daily("documents.review_reminders", "dudao.documents.review.remind_before_deadline", at="08:00")
