"""The public tracking page reads in English, its timeline too (complaints/selectors.public_timeline)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from dudao.complaints.models import ComplaintOutcome
from dudao.complaints.services import complaint_triage
from tests.complaints.conftest import submit
from tests.html_page import Html


def test_tracking_timeline_in_english(cast, team, client):
    complaint = submit(cast.A1)
    complaint_triage(by=cast.supervisor, complaint=complaint, outcome=ComplaintOutcome.UNFOUNDED,
                     public_answer="经核实，学校没有收费。", verification_note="查阅收费台账。", note="不予立案。")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = Html(client.get(reverse("public:complaint_track"), {"code": complaint.tracking_code}))
    steps = [li.text for li in page.find("ul", testid="timeline").find_all("li")]
    assert [step.split(" ", 2)[2] for step in steps] == ["Received", "Verified and answered"]  # after "date time "


def test_the_school_sees_the_timeline_in_english(cast, team, client):
    """The school's account reads the same timeline as the public (never the contact or the events)."""
    complaint = submit(cast.A1)
    complaint_triage(by=cast.supervisor, complaint=complaint, outcome=ComplaintOutcome.KEPT_FOR_VISIT,
                     public_answer="督导时现场核实。", verification_note="", note="")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.school_user)
    page = Html(client.get(reverse("complaints:detail", args=[complaint.pk])))
    timeline = page.find("ul", testid="timeline").text
    assert "Received" in timeline and "Answered; to be verified on site at the next visit" in timeline
