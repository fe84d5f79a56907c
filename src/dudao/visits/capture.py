"""The visit form's input for the apps that record on it through a basis (visits/bases.py): their
pages and API parse the form exactly as the visits pages do (visits/forms.py stays the visits' own)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dudao.visits.forms import post_as_data, visit_input
from dudao.visits.services import VisitInput

if TYPE_CHECKING:
    from dudao.schools.models import School


def input_from(raw: dict[str, Any], *, client_id, school: School) -> VisitInput:
    """A `VisitInput` from the form's JSON (or `posted`'s dict): the one parser of the form."""
    return visit_input(raw, client_id=client_id, school=school)


def posted(post) -> dict[str, Any]:
    """The plain (script-less) form's POST as the same dict the script sends."""
    return post_as_data(post)
