"""An index of the submitted visits by (date, supervisor, school): the compliance report reads its
monthly and period groups from it alone (issue [7], bench/visits.py)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('schools', '0001_initial'),
        ('supervisors', '0001_initial'),
        ('visits', '0004_ledgers_ledger_order'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='visit',
            index=models.Index(condition=models.Q(('status', 'submitted')), fields=['visit_date', 'supervisor', 'school'], name='visit_quota'),
        ),
    ]
