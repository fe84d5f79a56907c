"""Scope of the governance app: every URL as every persona (named in tests/access/coverage_governance.py)."""
