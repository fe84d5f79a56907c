"""Proof that the every-URL walk walked every URL (issue [8] item 5).

tests/access/test_every_url_every_role.py lists every URL name of the URL conf in COVERAGE; each
name is walked either by that module ("school", "list", "admin" … kinds) or by the app's own scope
tests ("own": the OWN_TESTS module and the walk modules it names). Naming a URL in a file proves
nothing, so every request made through Django's test client is recorded here with the URL name it
resolved to and the test module that made it. When the session has run a claiming module whole
(not a `-k` selection or a single test), each URL it claims must have been requested by it (or by
one of the modules sharing the claim); otherwise the run fails and names the URLs and the modules.

Under pytest-xdist each worker records its part and the controller checks the union.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

CENTRAL = "tests/access/test_every_url_every_role.py"
ROOT = Path(__file__).resolve().parents[1]

# module ("tests/x/test_y.py") -> URL names its tests requested
walked: dict[str, set[str]] = defaultdict(set)
ran: dict[str, int] = defaultdict(int)  # module -> tests run
collected: dict[str, int] = {}  # module -> tests selected to run
partial: set[str] = set()  # modules with deselected tests, or named with ::
_current: list[str] = [""]


def module_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def install_recorder() -> None:
    """Wrap django.test.Client.request: every request, including those of followed redirects."""
    from django.test import Client
    from django.urls import Resolver404

    if getattr(Client.request, "_records_walk", False):
        return
    original = Client.request

    def request(self, **kwargs):
        response = original(self, **kwargs)
        if _current[0]:
            try:
                match = response.resolver_match
                name = match.view_name if match.url_name else ""
            except Resolver404:
                name = ""
            if name:
                walked[_current[0]].add(served_name(match.route, kwargs.get("REQUEST_METHOD", "GET"), name))
        return response

    request._records_walk = True  # type: ignore[attr-defined]
    Client.request = request  # type: ignore[method-assign]


_routes: dict[str, list[str]] = {}
_schema: dict[str, dict] = {}  # the API's OpenAPI paths


def _shared_routes() -> dict[str, list[str]]:
    """Full route -> its URL names, for the routes that carry several (django-ninja registers one
    pattern per operation: GET and POST /api/v1/findings/ are list_findings and create_finding, and
    Django always resolves the first)."""
    if not _routes:
        from django.urls import URLPattern, URLResolver, get_resolver

        def walk(patterns, prefix: str, namespace: str | None) -> None:
            for p in patterns:
                if isinstance(p, URLResolver):
                    ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else p.namespace or namespace
                    walk(p.url_patterns, prefix + str(p.pattern), ns)
                elif isinstance(p, URLPattern) and p.name:
                    _routes.setdefault(prefix + str(p.pattern), []).append(f"{namespace}:{p.name}" if namespace else p.name)

        walk(get_resolver().url_patterns, "", None)
    return {route: names for route, names in _routes.items() if len(names) > 1}


def served_name(route: str, method: str, resolved: str) -> str:
    """The URL name of the operation that served the request: the resolved one, or for a route
    shared by several API operations, the one the OpenAPI schema gives for the method."""
    names = _shared_routes().get(route)
    if not names:
        return resolved
    if not _schema:
        from dudao.api.main import api

        _schema.update(api.get_openapi_schema()["paths"])
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    operation = _schema.get(path, {}).get(method.lower(), {})
    operation_id = operation.get("operationId", "")
    return next((n for n in names if operation_id.endswith("_" + n.rsplit(":", 1)[-1])), resolved)


def set_current(nodeid: str) -> None:
    _current[0] = module_of(nodeid) if nodeid else ""


def claims() -> dict[str, set[str]]:
    """URL name -> the modules any of which must have requested it."""
    from tests.access.test_every_url_every_role import APP_COVERAGE, COVERAGE

    own_modules: dict[str, set[str]] = {}
    for module in APP_COVERAGE:
        if not hasattr(module, "OWN_TESTS"):
            continue
        text = (ROOT / module.OWN_TESTS).read_text()
        modules = {module.OWN_TESTS, *re.findall(r"tests/[\w/]*test_\w+\.py", text)}
        for name, kind in module.COVERAGE.items():
            if kind == "own":
                own_modules[name] = modules
    return {name: own_modules.get(name, {CENTRAL}) if kind == "own" else {CENTRAL} for name, kind in COVERAGE.items()}


def state() -> dict:
    return {"walked": {m: sorted(n) for m, n in walked.items()}, "ran": dict(ran), "collected": collected,
            "partial": sorted(partial)}


def merge(other: dict) -> None:
    for module, names in other["walked"].items():
        walked[module].update(names)
    for module, n in other["ran"].items():
        ran[module] += n
    for module, n in other["collected"].items():
        collected[module] = max(collected.get(module, 0), n)
    partial.update(other["partial"])


def unwalked() -> list[tuple[str, list[str]]]:
    """(URL name, its modules) for every claimed URL not requested, among claims whose modules all
    ran whole in this session."""

    def whole(module: str) -> bool:
        return module not in partial and collected.get(module, 0) > 0 and ran.get(module, 0) >= collected[module]

    def has_tests(module: str) -> bool:  # an index module may only name its walk modules
        return "def test_" in (ROOT / module).read_text()

    missing = []
    for name, modules in sorted(claims().items()):
        walking = [m for m in modules if has_tests(m)]
        if walking and all(whole(m) for m in walking) and not any(name in walked.get(m, ()) for m in walking):
            missing.append((name, sorted(walking)))
    return missing
