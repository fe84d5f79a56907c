from tests.visits.field_support import field  # noqa: F401  (the visits API tests use the phone pages' set-up)
