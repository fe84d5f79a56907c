"""Stored sources ("依据") of shipped defaults: internal labels (种子001, [S], domain-rules §…)
become document titles and articles (dudao.core.sources.readable). Reverse: nothing to undo."""

from django.db import migrations


def forwards(apps, schema_editor):
    from dudao.core.sources import readable

    for app, model in (("system", "DictionaryItem"), ("findings", "EscalationStep"), ("findings", "FindingPolicy"),
                       ("complaints", "ComplaintPolicy"), ("visits", "QuotaRule")):
        Model = apps.get_model(app, model)
        for pk, source in Model.objects.exclude(source="").values_list("pk", "source"):
            new = readable(source)
            if new != source:
                Model.objects.filter(pk=pk).update(source=new[:200])


class Migration(migrations.Migration):
    dependencies = [
        ("system", "0001_initial"),
        ("findings", "0001_initial"),
        ("complaints", "0002_policy_working_days_holidays"),
        ("visits", "0003_compliance_province_level"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
