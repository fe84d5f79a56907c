"""Where the code and the tests of a page are, in one hop.

Usage (from the repository root):
    PYTHONPATH=src .venv/bin/python scripts/where_is.py visits:field_form
    PYTHONPATH=src .venv/bin/python scripts/where_is.py /monitoring/export/

Prints the URL name and pattern, the view (file:line; an API path: its operations), the templates
the view itself names, the scope walk that covers the URL (tests/access/: its kind, or the app's
OWN_TESTS module for "own"), and the test modules that name the URL (an API URL: or its path).
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _patterns(resolver, prefix="", namespace=""):
    from django.urls import URLPattern, URLResolver

    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", "/" + prefix + str(p.pattern), p.callback


def _view_functions(callback) -> list:
    """The function(s) behind a URL: the view, the class of a class-based view, or the API
    operations (django-ninja keeps them on the path view its wrapper closes over)."""
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations:
            return [inspect.unwrap(op.view_func) for op in operations]
    return [inspect.unwrap(getattr(callback, "view_class", None) or callback)]


def _source(func) -> tuple[str, int, str]:
    try:
        path = Path(inspect.getsourcefile(func) or "")
        lines, line = inspect.getsourcelines(func)
    except (TypeError, OSError):
        return repr(func), 0, ""
    try:
        path = path.relative_to(ROOT)
    except ValueError:
        pass
    return str(path), line, "".join(lines)


def main(query: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
    os.environ.setdefault("DUDAO_DEBUG", "1")
    import django

    django.setup()
    from django.urls import Resolver404, get_resolver, resolve

    if query.startswith("/"):
        try:
            match = resolve(query)
        except Resolver404:
            print(f"no URL matches {query}")
            return 1
        query = match.view_name
    found = [(name, pattern, cb) for name, pattern, cb in _patterns(get_resolver()) if name == query]
    if not found:
        print(f"no URL is named {query}")
        return 1
    name, pattern, callback = found[0]
    print(f"URL      {name}  {pattern}")
    for func in _view_functions(callback):
        path, line, source = _source(func)
        print(f"view     {path}:{line}" if line else f"view     {path}")
        for template in sorted(set(re.findall(r"[\"']([\w/]+\.html)[\"']", source))):
            hits = [*(ROOT / "src" / "dudao").glob(f"*/templates/{template}"), *(ROOT / "src" / "dudao").glob(f"templates/{template}")]
            if hits:
                print(f"template {hits[0].relative_to(ROOT)}")
    sys.path.insert(0, str(ROOT))
    from tests.access import test_every_url_every_role as walk

    kind = walk.COVERAGE.get(name)
    owner = next((m.OWN_TESTS for m in walk.APP_COVERAGE if name in m.COVERAGE and hasattr(m, "OWN_TESTS")), None)
    if kind == "own" and owner:
        print(f"scope    walked as every persona by {owner}")
    elif kind:
        print(f"scope    walked as every persona by tests/access/test_every_url_every_role.py (kind {kind!r})")
    else:
        print("scope    not in COVERAGE: test_every_url_is_covered fails")
    needles = [f'"{name}"']
    if name.startswith("api-"):  # the API's tests call paths, not names
        needles.append(pattern.split("<")[0].rstrip("/"))
    tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").rglob("*.py")
                   if "access/coverage_" not in str(p) and any(n in p.read_text(encoding="utf-8") for n in needles))
    for t in tests:
        print(f"test     {t}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
