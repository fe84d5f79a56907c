"""The built-in wording of every document type (documents/builtin.py); idempotent."""

from django.db import migrations


def install(apps, schema_editor):
    from dudao.documents.builtin import install_builtin_templates

    install_builtin_templates(apps)


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0003_portal_published_index"),
    ]

    operations = [
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
