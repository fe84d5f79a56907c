"""Scope of the documents app: every URL as every persona (named in tests/access/coverage_documents.py)."""
