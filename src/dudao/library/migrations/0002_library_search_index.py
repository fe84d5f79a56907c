"""The policy library's full-text index (PostgreSQL only: a GIN index over the jieba tokens with the
`simple` configuration, which the search in library/search.py uses) and the built-in national entries."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS library_policy_fts ON library_policy "
                              "USING gin (to_tsvector('simple', search_text))")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS library_policy_fts")


def install(apps, schema_editor):
    from dudao.library.builtin import BUILTIN_POLICIES, SOURCE
    from dudao.library.search import index_text

    Policy = apps.get_model("library", "Policy")
    have = set(Policy.objects.filter(office__isnull=True).values_list("title", flat=True))
    for entry in BUILTIN_POLICIES:
        if entry["title"] in have:
            continue
        data = {k: v for k, v in entry.items() if k != "grade"}
        if data.get("issued_on"):
            data["issued_year"] = data["issued_on"].year
        Policy.objects.create(office=None, source=f"{SOURCE} [{entry['grade']}]",
                              search_text=index_text([data["title"], data.get("number", ""), data["issuer"],
                                                      data["summary"]]), **data)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_library_policies_notices")]

    operations = [
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
