"""Read .po/.pot files and list the msgids of src/dudao that have no English translation.

A small reader of our own (no polib): the catalogue check must not need a new dependency.
The msgids are extracted the way Django's makemessages does (same xgettext keywords, templates
through Django's templatize), so the check sees what the running site looks up.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "dudao"
LOCALE = SRC / "locale" / "en" / "LC_MESSAGES"
# Apps whose helpers still translate their own msgids, left out of the check (none now: every app is checked).
SKIPPED_APPS: tuple[str, ...] = ()

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(text: str) -> str:
    """The value of one C-quoted PO string ("..."), escapes resolved."""
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted PO string: {text!r}")
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        """What msgfmt puts in the .mo: not fuzzy, every form non-empty."""
        if "fuzzy" in self.flags or not self.msgstr:
            return False
        forms = 2 if self.msgid_plural is not None else 1
        return all(self.msgstr.get(n, "") for n in range(forms))


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po/.pot text, header and obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None
    seen_keyword = False

    def flush() -> None:
        nonlocal current, target, seen_keyword
        if seen_keyword and current.msgid != "":
            entries.append(current)
        current, target, seen_keyword = Entry(), None, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#"):
            if seen_keyword:
                flush()
            if line.startswith("#,"):
                current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            elif line.startswith("#:"):
                current.references.extend(line[2:].split())
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"continuation line without a keyword: {raw!r}")
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and seen_keyword and target and target[0] == "msgstr":
            flush()
        seen_keyword = True
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            current.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(current, keyword, _unquote(rest))
            target = (keyword, 0)
        else:
            raise ValueError(f"unknown PO line: {raw!r}")
    flush()
    return entries


# The keywords and options Django's makemessages gives xgettext (django/core/management/commands/makemessages.py).
_XGETTEXT = ["xgettext", "--from-code=UTF-8", "--add-comments=Translators", "--output=-",
             "--keyword=gettext_noop", "--keyword=gettext_lazy", "--keyword=ngettext_lazy:1,2",
             "--keyword=pgettext:1c,2", "--keyword=npgettext:1c,2,3"]
_PYTHON = [*_XGETTEXT, "--language=Python", "--keyword=pgettext_lazy:1c,2", "--keyword=npgettext_lazy:1c,2,3"]
_JAVASCRIPT = [*_XGETTEXT, "--language=JavaScript"]
# Which files makemessages reads for each domain.
DOMAIN_SUFFIXES = {"django": (".py", ".html", ".txt"), "djangojs": (".js",)}


def source_files(domain: str) -> list[Path]:
    """The files of src/dudao that makemessages reads for a domain, the skipped apps left out."""
    suffixes = DOMAIN_SUFFIXES[domain]
    found = []
    for path in sorted(SRC.rglob("*")):
        relative = path.relative_to(SRC)
        if not path.is_file() or path.suffix not in suffixes:
            continue
        if relative.parts[0] in SKIPPED_APPS or relative.parts[0] == "locale":
            continue
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        found.append(relative)
    return found


def extract(domain: str, warnings: list[str] | None = None) -> list[Entry]:
    """The msgids of src/dudao for one domain, as Django's makemessages extracts them.

    The same xgettext call as makemessages (its keywords; templates turned into Python by Django's
    own `templatize`), but straight to stdout: nothing is written under src/, and no msgmerge.
    """
    from django.utils.translation import templatize

    files = source_files(domain)
    with tempfile.TemporaryDirectory(prefix="dudao-catalogue-") as tmp:
        names = []
        for relative in files:
            if relative.suffix == ".py" or domain == "djangojs":
                names.append(str(relative))
                continue
            # Templates: makemessages writes templatize()'s output to "<name>.py" and runs xgettext on it.
            target = Path(tmp) / f"{relative}.py"
            target.parent.mkdir(parents=True, exist_ok=True)
            text = (SRC / relative).read_text(encoding="utf-8")
            target.write_text(templatize(text, origin=str(relative)), encoding="utf-8")
            names.append(f"{relative}.py")
        listing = Path(tmp) / "files.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        command = _JAVASCRIPT if domain == "djangojs" else _PYTHON
        done = subprocess.run(
            [*command, f"--directory={SRC}", f"--directory={tmp}", f"--files-from={listing}"],
            capture_output=True, text=True, check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"xgettext failed: {done.stderr}")
    if warnings is not None:
        warnings.extend(line for line in done.stderr.splitlines() if "warning:" in line)
    return parse_po(done.stdout)


def missing(domain: str, extracted: list[Entry] | None = None) -> list[Entry]:
    """The extracted entries of a domain that the real English .po does not translate."""
    catalogue = {entry.key: entry for entry in parse_po((LOCALE / f"{domain}.po").read_text(encoding="utf-8"))}
    out = []
    for entry in extract(domain) if extracted is None else extracted:
        known = catalogue.get(entry.key)
        if known is None or not known.translated:
            out.append(entry)
        elif (entry.msgid_plural is None) != (known.msgid_plural is None):
            out.append(entry)
    return out
