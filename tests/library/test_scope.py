"""Scope of the library app: every URL as every persona (named in tests/access/coverage_library.py)."""
