"""Quota rules for province-office supervisors (随访督导; none by default), and the national
挂牌办法 rule (each 挂牌 school at least once a month) for city-zone supervisors too, where the
national defaults are installed."""

from datetime import date

from django.db import migrations, models

CITY_RULE = {"office": None, "zone_level": "city", "supervisor_kind": "", "metric": "visits_per_assigned_school",
             "period": "month"}
CITY_SOURCE = "《中小学校责任督学挂牌督导办法》第六条：责任督学对所挂牌学校每月督导不得少于1次"


def add_city_rule(apps, schema_editor):
    QuotaRule = apps.get_model("visits", "QuotaRule")
    installed = QuotaRule.objects.filter(office=None, zone_level="county", metric="visits_per_assigned_school").exists()
    if installed and not QuotaRule.objects.filter(**CITY_RULE).exists():
        QuotaRule.objects.create(**CITY_RULE, required=1, source=CITY_SOURCE, valid_from=date(2013, 9, 1))


def remove_city_rule(apps, schema_editor):
    apps.get_model("visits", "QuotaRule").objects.filter(**CITY_RULE, source=CITY_SOURCE).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("visits", "0002_chain_problem_photos"),
    ]

    operations = [
        migrations.AlterField(
            model_name="quotarule",
            name="zone_level",
            field=models.CharField(choices=[("city", "市级责任区督学"), ("county", "县级责任区督学"), ("province", "省级督学（随访督导）")],
                                   max_length=10, verbose_name="适用督学"),
        ),
        migrations.RunPython(add_city_rule, remove_city_rule),
    ]
