"""The zones pages, one module per page family (docs/architecture.md)."""
