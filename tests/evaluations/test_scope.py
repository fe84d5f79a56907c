"""Scope of the evaluations app: every URL as every persona (named in tests/access/coverage_evaluations.py)."""
