"""Every visits URL as every persona. The walks live beside each part's tests and are gathered here:

- plans:  "visits:plan_mine", "visits:plans"  (tests/visits/test_plans_views.py::test_plan_pages_as_every_persona)
"""

from __future__ import annotations

from tests.visits.test_plans_views import test_plan_pages_as_every_persona  # noqa: F401

try:
    from tests.visits.test_scope_field import *  # noqa: F403
except ImportError:
    pass
try:
    from tests.visits.test_scope_office import *  # noqa: F403
except ImportError:
    pass
