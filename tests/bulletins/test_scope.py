"""Scope of the bulletins app: every URL as every persona (named in tests/access/coverage_bulletins.py)."""
