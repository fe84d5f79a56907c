"""The workbench's 公文与通知 tiles (home/workbench.py `_paper_tiles`): each count equals the rows its link
opens — documents waiting for the person's 审核/签发, documents received and not read, drafts sent for
comments, notices not read — and a tile appears only when there is something to do."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dudao.documents import services
from dudao.library import services as library
from dudao.regions.models import Office
from tests.home.test_workbench import _tiles

pytestmark = pytest.mark.django_db


def _draft(cast, office, title, school):
    return services.create_draft(by=cast.county_staff, office=office, kind="notice", title=title,
                                 body=[{"type": "p", "text": "正文。"}],
                                 recipients=[{"school": school, "name": school.name}])


def _rows(client, url: str, pattern: str) -> int:
    return len(set(re.findall(pattern, client.get(url).content.decode())))


@pytest.fixture
def papers(cast):
    office = Office.objects.get(region__code="430182")
    checking = _draft(cast, office, "待审核的通知", cast.A1)
    services.submit(checking, by=cast.county_staff)
    signing = _draft(cast, office, "待签发的通知", cast.A1)
    services.submit(signing, by=cast.county_staff)
    services.check(signing, by=cast.admin)
    for title in ("已印发的通知一", "已印发的通知二"):
        doc = _draft(cast, office, title, cast.A1)
        services.submit(doc, by=cast.county_staff)
        services.check(doc, by=cast.admin)
        services.issue(doc, by=cast.county_leader)
    notice = library.notice_save(by=cast.county_staff, office=office, title="通知公告一", body="内容")
    library.notice_publish(by=cast.county_staff, notice=notice)
    return office


def test_the_leader_sees_what_waits_for_their_check_or_signature(cast, client, papers):
    client.force_login(cast.county_leader)
    tiles = _tiles(client.get(reverse("core:home")).content.decode())
    count, url = tiles["docs_todo"]
    assert count == 2  # one to check (not their draft), one to sign
    assert _rows(client, url, r'href="/documents/(\d+)/"') == 2
    client.force_login(cast.county_staff)  # the drafter: nothing to check of their own
    assert "docs_todo" not in _tiles(client.get(reverse("core:home")).content.decode())


def test_the_school_sees_its_unread_documents_and_notices(cast, client, papers):
    client.force_login(cast.school_user)
    tiles = _tiles(client.get(reverse("core:home")).content.decode())
    count, url = tiles["docs_unread"]
    assert count == 2 and _rows(client, url, r'href="/documents/(\d+)/read/"') == 2
    count, url = tiles["notices_unread"]
    assert count == 1 and _rows(client, url, r'href="/library/notices/(\d+)/"') == 1
    first = re.search(r'href="/documents/(\d+)/read/"', client.get(reverse("documents:inbox")).content.decode())
    client.get(reverse("documents:inbox_document", args=[int(first.group(1))]))  # reading it is the receipt
    assert _tiles(client.get(reverse("core:home")).content.decode())["docs_unread"][0] == 1


def test_no_tile_when_nothing_waits(cast, client):
    client.force_login(cast.school_user)
    assert 'data-testid="paper-tiles"' not in client.get(reverse("core:home")).content.decode()
