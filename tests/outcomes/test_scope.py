"""Scope of the outcomes app: every URL as every persona (named in tests/access/coverage_outcomes.py)."""
