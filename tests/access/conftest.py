from tests.visits.field_support import field  # noqa: F401  (supervisor records and assignments of the cast)
