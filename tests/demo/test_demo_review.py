"""Issue [11] item 2 in the demo: nx_office's 督导意见书 draft for nx_school's school is out for comments
with one contested paragraph answered (部分采纳) and one comment still open, so 送审 is refused; an
issued 通知 to three schools was read by nx_school only. The printed accounts walk it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from dudao.demo.build import DEMO_PASSWORD
from dudao.documents import review, services
from dudao.documents.models import Document
from dudao.people.models import User


def test_the_draft_in_review_and_the_issued_notice(demo_city, db):
    accounts = {a.username: a.scope for a in demo_city[2]}
    assert "收文" in accounts["nx_school"] and "征求意见" in accounts["nx_office"]
    draft = Document.objects.get(source="demo.review", kind="opinion")
    comments = list(draft.review_comments.order_by("id"))
    assert [(c.kind, bool(c.block_key), c.answer) for c in comments] == [
        ("objection", True, "partly"), ("opinion", False, "")]
    assert comments[0].block_text.startswith("食堂食材采购")
    assert review.open_comments(draft).count() == 1
    with pytest.raises(ValidationError):
        services.submit(draft, by=User.objects.get(username="nx_office"))
    notice = Document.objects.get(source="demo.review", kind="notice")
    counted = review.receipts(notice)
    assert notice.is_issued and (counted.total, counted.read) == (3, 1)


def _signed_in(username: str) -> Client:
    user = User.objects.get(username=username)
    assert user.check_password(DEMO_PASSWORD)  # the printed password
    client = Client()
    client.force_login(user)
    return client


def test_the_printed_accounts_walk_it(demo_city, db):
    draft = Document.objects.get(source="demo.review", kind="opinion")
    school = _signed_in("nx_school")
    inbox = school.get(reverse("documents:inbox")).content.decode()
    assert draft.title in inbox  # drafts under review come first, before the school's many 整改通知书
    notice = review.inbox(User.objects.get(username="nx_school")).get(title="关于开展秋季学期开学工作专项督导的通知")
    assert school.get(reverse("documents:inbox_document", kwargs={"pk": notice.pk})).status_code == 200
    page = school.get(reverse("documents:inbox_document", kwargs={"pk": draft.pk})).content.decode()
    assert "提交意见" in page and "部分采纳" in page
    office = _signed_in("nx_office")
    page = office.get(reverse("documents:review", kwargs={"pk": draft.pk})).content.decode()
    assert "还有 1 条意见未答复" in page
    assert office.get(reverse("documents:review_pdf", kwargs={"pk": draft.pk}))["Content-Type"] == "application/pdf"
