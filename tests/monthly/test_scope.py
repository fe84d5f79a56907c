"""Scope of the monthly app: every URL as every persona (named in tests/access/coverage_monthly.py)."""
