"""The page of a document, for the apps that draft one and send the user to it."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def document_url(pk: int) -> str:
    """documents:detail when the document pages exist, else their path (/documents/<pk>/)."""
    try:
        return reverse("documents:detail", args=[pk])
    except NoReverseMatch:
        return f"/documents/{pk}/"
