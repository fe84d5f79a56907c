"""Every msgid of src/dudao has an English translation, so an English user never meets Chinese.

The msgids are extracted as makemessages extracts them (tests/core/catalogue.py); the apps whose
helpers are still translating (catalogue.SKIPPED_APPS) are left out until they are done.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.core import catalogue

DOMAINS = ("django", "djangojs")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfr]|\{\w*\}")
# The names xgettext is told to look for (its defaults plus Django's keywords): any other alias of a
# gettext function hides its msgids from makemessages, as `gettext as gt` did.
EXTRACTED_NAMES = {"_", "gettext", "ngettext", "gettext_lazy", "ngettext_lazy", "gettext_noop",
                   "pgettext", "npgettext", "pgettext_lazy", "npgettext_lazy"}
ALIAS = re.compile(r"\b(n?p?gettext(?:_lazy|_noop)?)\s+as\s+(\w+)")


@pytest.fixture(scope="module")
def extraction() -> tuple[dict[str, list[catalogue.Entry]], list[str]]:
    warnings: list[str] = []
    return {domain: catalogue.extract(domain, warnings) for domain in DOMAINS}, warnings


@pytest.fixture(scope="module")
def extracted(extraction) -> dict[str, list[catalogue.Entry]]:
    return extraction[0]


def _describe(entries: list[catalogue.Entry]) -> str:
    return "\n".join(f"  {e.msgid!r} ({', '.join(e.references[:2])})" for e in entries)


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_msgid_has_english(domain, extracted):
    # An extraction that found nothing would make the check pass vacuously.
    assert len(extracted[domain]) > (1000 if domain == "django" else 20)
    missing = catalogue.missing(domain, extracted[domain])
    assert not missing, f"{len(missing)} msgids without English in {domain}.po:\n{_describe(missing)}"


def test_extraction_sees_known_msgids(extracted):
    """Python, template, blocktranslate-plural and noop msgids are all found (one of each kind)."""
    keys = {(e.msgid, e.msgid_plural) for e in extracted["django"]}
    assert ("已受理", None) in keys  # gettext() in complaints/selectors.py
    assert ("修改指标", None) in keys  # {% translate %} in a template
    assert ("共 %(n)s 个项目", "共 %(n)s 个项目") in keys  # {% blocktranslate count %}
    assert ("达标月数", None) in keys  # gettext_noop in visits/compliance.py
    assert not any(ref.split("/")[0] in catalogue.SKIPPED_APPS for e in extracted["django"] for ref in e.references)
    js = {e.msgid: e.references for e in extracted["djangojs"]}
    assert js["正在定位…"][0].startswith("visits/static/visits/visit_form.js:")  # gettext() in a .js file


def test_no_msgid_both_plain_and_plural(extraction):
    """One msgid is either plain or plural in a catalogue: used both ways, one of the uses stays Chinese."""
    mixed = [line for line in extraction[1] if "without plural and with plural" in line]
    assert not mixed, "\n".join(mixed)


@pytest.mark.parametrize("domain", DOMAINS)
def test_reader_agrees_with_msgfmt(domain):
    """The .po reader counts the translated messages exactly as msgfmt does."""
    po = catalogue.LOCALE / f"{domain}.po"
    done = subprocess.run(["msgfmt", "-c", "--statistics", "-o", "/dev/null", str(po)],
                          capture_output=True, text=True, check=True)
    counted = int(re.search(r"(\d+) translated message", done.stderr).group(1))
    assert "untranslated" not in done.stderr and "fuzzy" not in done.stderr, done.stderr
    assert sum(e.translated for e in catalogue.parse_po(po.read_text(encoding="utf-8"))) == counted


@pytest.mark.parametrize("domain", DOMAINS)
def test_placeholders_kept(domain):
    """%(name)s and {name} of the msgid come back in the English (a plural's singular may drop the count)."""
    wrong = []
    for entry in catalogue.parse_po((catalogue.LOCALE / f"{domain}.po").read_text(encoding="utf-8")):
        wanted = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for form, text in entry.msgstr.items():
            got = set(PLACEHOLDER.findall(text))
            if got - wanted or (entry.msgid_plural is None and got != wanted):
                wrong.append(f"  {entry.msgid!r} [{form}] → {text!r}")
    assert not wrong, "placeholders changed:\n" + "\n".join(wrong)


def test_no_hidden_gettext_alias():
    hidden = []
    for path in catalogue.SRC.rglob("*.py"):
        for match in ALIAS.finditer(path.read_text(encoding="utf-8")):
            if match.group(2) not in EXTRACTED_NAMES:
                hidden.append(f"  {path.relative_to(catalogue.SRC)}: {match.group(0)}")
    assert not hidden, "gettext aliases that makemessages does not extract:\n" + "\n".join(hidden)


def test_reader_parses_the_hard_cases():
    text = (
        '# header\nmsgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid "甲 %(n)s"\nmsgstr "A %(n)s"\n\n'
        'msgctxt "月"\nmsgid "五"\nmsgstr ""\n"Fi"\n"ve \\"5\\""\n\n'
        'msgid "项"\nmsgid_plural "项"\nmsgstr[0] "item"\nmsgstr[1] ""\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n'
    )
    fuzzy, context, plural = catalogue.parse_po(text)
    assert (fuzzy.msgid, fuzzy.flags, fuzzy.references, fuzzy.translated) == (
        "甲 %(n)s", {"fuzzy", "python-format"}, ["a.py:1"], False)
    assert (context.key, context.msgstr, context.translated) == (("月", "五"), {0: 'Five "5"'}, True)
    assert (plural.msgid_plural, plural.translated) == ("项", False)
