"""Scope of the portal app: every URL as every persona (named in tests/access/coverage_portal.py)."""
