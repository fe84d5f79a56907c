"""FindingEvent.action is a TextChoices with the labels in the model: the workflow's steps and the
timeline read them there (no label dicts elsewhere)."""

from django.utils import translation

from dudao.findings import workflow
from dudao.findings.models import FindingAction, FindingEvent


def test_every_step_of_the_table_is_an_action_with_the_model_label():
    assert set(workflow.ACTIONS) <= set(FindingAction.values)
    for name, transition in workflow.ACTIONS.items():
        assert type(transition.name) is str and transition.name == name
        assert str(transition.label) == str(FindingAction(name).label)
    # and what the services and the daily task write besides the steps
    assert {"created", "remind", "escalate"} <= set(FindingAction.values)


def test_labels_are_chinese_and_translated():
    event = FindingEvent(action=FindingAction.ESCALATE)
    assert event.get_action_display() == "逾期升级"
    with translation.override("en"):
        assert FindingEvent(action="verify").get_action_display() != "核查销号"  # the .po has it
    assert FindingEvent(action="something_old").get_action_display() == "something_old"
