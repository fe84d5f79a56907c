"""Scope of the surveys app: every URL as every persona (named in tests/access/coverage_surveys.py)."""
