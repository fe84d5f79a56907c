"""The monitoring pages, one module per page family (docs/architecture.md)."""
