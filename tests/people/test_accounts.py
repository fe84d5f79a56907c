"""Accounts at scale: batch opening from the roster and the school list, one-time passwords,
forced change at first login, batch disable, and office staff managing only their own subtree."""

from __future__ import annotations

import base64
import re

import pytest
from django.urls import reverse

from dudao.people.accounts import (
    PASSWORD_ALPHABET,
    random_password,
    school_accounts_create,
    supervisor_accounts_create,
    users_set_active,
)
from dudao.people.models import ApiToken, Role, RoleGrant, User
from dudao.regions.models import Office
from dudao.schools.models import School
from dudao.supervisors.services import supervisor_create
from tests.personas import PASSWORD
from tests.xlsx import xlsx_rows


@pytest.fixture
def ningxiang(cast):
    return Office.objects.get(region__code="430182")


def _supervisor(office, name, **extra):
    return supervisor_create(by=None, office=office, name=name, kind="full_time", level="county",
                             phone=extra.pop("phone", "13912340000"), **extra)




def test_random_passwords_are_printable_and_mixed():
    for _ in range(50):
        p = random_password()
        assert len(p) == 10 and set(p) <= set(PASSWORD_ALPHABET)
        assert not set(p) & set("0O1lI")
        assert any(c.isdigit() for c in p) and any(c.islower() for c in p) and any(c.isupper() for c in p)


def test_supervisor_accounts_follow_the_rule_link_and_force_a_change(cast, ningxiang):
    a = _supervisor(ningxiang, "甲")
    b = _supervisor(ningxiang, "乙", phone="13912340001")
    User.objects.create_user(username="430182-d004", password=PASSWORD)  # an earlier number: continue after it
    issued, skipped = supervisor_accounts_create(by=cast.county_staff, supervisors=[b, a])
    assert [x.username for x in issued] == ["430182-d005", "430182-d006"]  # ordered by record, a before b
    assert skipped == []
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.user.username == "430182-d005" and b.user.username == "430182-d006"
    assert a.user.must_change_password and a.user.full_name == "甲"
    assert RoleGrant.objects.filter(user=a.user, role=Role.SUPERVISOR, office=ningxiang).exists()
    # The password exists only in the result; the database keeps its hash.
    by_name = {x.name: x for x in issued}
    assert by_name["甲"].password not in a.user.password
    assert a.user.check_password(by_name["甲"].password)
    # A second run skips those who already have an account.
    again, skipped = supervisor_accounts_create(by=cast.county_staff, supervisors=[a])
    assert again == [] and skipped[0].reason == "已有账号 430182-d005"


def test_inactive_supervisors_are_skipped(cast, ningxiang):
    s = _supervisor(ningxiang, "丙", status="retired")
    issued, skipped = supervisor_accounts_create(by=cast.county_staff, supervisors=[s])
    assert issued == [] and skipped[0].reason.startswith("不在岗")


def test_school_accounts_are_the_school_code(cast):
    User.objects.create_user(username=cast.A2.code, password=PASSWORD)  # name already taken by someone
    issued, skipped = school_accounts_create(by=cast.county_staff, schools=[cast.A2, cast.A3, cast.A1])
    # A1 has the school_user persona already.
    assert [(x.unit, x.username) for x in issued] == [(cast.A2.code, f"{cast.A2.code}-2"), (cast.A3.code, cast.A3.code)]
    assert [s.name for s in skipped] == [cast.A1.name]
    user = User.objects.get(username=cast.A3.code)
    assert set(School.objects.visible_to(user).values_list("code", flat=True)) == {cast.A3.code}
    assert user.must_change_password


def test_office_cannot_open_accounts_outside_its_scope(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        school_accounts_create(by=cast.county_staff, schools=[cast.B1])
    liuyang = Office.objects.get(region__code="430181")
    with pytest.raises(PermissionDenied):
        supervisor_accounts_create(by=cast.county_staff, supervisors=[_supervisor(liuyang, "浏阳某")])
    assert not User.objects.filter(username__startswith=cast.B1.code).exists()


def test_existing_users_are_not_forced(cast):
    assert not User.objects.filter(must_change_password=True).exists()


def test_batch_page_shows_passwords_once_and_the_excel_agrees(cast, client, ningxiang):
    a = _supervisor(ningxiang, "谢彩飞")
    client.force_login(cast.county_staff)
    page = client.get(reverse("people:batch_accounts"))
    assert page.status_code == 200 and "谢彩飞" in page.content.decode()
    response = client.post(reverse("people:batch_accounts"), {"kind": "supervisors", "ids": [a.pk]})
    html = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    username = re.search(r'data-testid="issued-username">([^<]+)<', html).group(1)
    password = re.search(r'data-testid="issued-password">([^<]+)<', html).group(1)
    assert username == "430182-d001"
    xlsx = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", html).group(1))
    rows = xlsx_rows(xlsx)
    assert rows[0] == ["类型", "名称", "所属单位/学校标识码", "用户名", "初始密码"]
    assert rows[1] == ["督学", "谢彩飞", ningxiang.name, username, password]
    # Nothing in the database holds the clear password.
    user = User.objects.get(username=username)
    assert password not in user.password
    # The list page does not show it again.
    assert password not in client.get(reverse("people:batch_accounts")).content.decode()
    assert password not in client.get(reverse("people:user_detail", kwargs={"pk": user.pk})).content.decode()


def test_school_batch_page(cast, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("people:batch_accounts") + "?kind=schools").content.decode()
    assert cast.A3.code in page and cast.B1.code not in page  # only the office's own schools
    response = client.post(reverse("people:batch_accounts"), {"kind": "schools", "ids": [cast.A3.pk, cast.B1.pk]})
    # B1 is outside the scope: the queryset drops it, only A3 is opened.
    assert response.status_code == 200
    assert User.objects.filter(username=cast.A3.code).exists()
    assert not User.objects.filter(username=cast.B1.code).exists()


def test_first_login_is_forced_to_change_the_password(cast, client):
    issued, _ = school_accounts_create(by=cast.county_staff, schools=[cast.A3])
    account = issued[0]
    login = client.post(reverse("login"), {"username": account.username, "password": account.password})
    assert login.status_code == 302
    home = client.get(reverse("core:home"))
    assert home.status_code == 302 and home["Location"] == reverse("people:me")
    assert client.get(reverse("schools:list"))["Location"] == reverse("people:me")
    api = client.get(reverse("api-1:list_schools"))
    assert api.status_code == 403 and "修改初始密码" in api.json()["detail"]
    me = client.get(reverse("people:me"))
    assert me.status_code == 200 and 'data-testid="must-change-password"' in me.content.decode()
    # The initial password cannot be kept.
    same = client.post(reverse("people:me"), {"password": account.password})
    assert "新密码不能与初始密码相同" in same.content.decode()
    done = client.post(reverse("people:me"), {"password": "Xuexiao-2026-new"})
    assert done.status_code == 302 and done["Location"] == reverse("core:home")
    user = User.objects.get(username=account.username)
    assert not user.must_change_password
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("api-1:list_schools")).json()["count"] == 1


def test_api_token_refused_until_the_password_is_changed(cast, client):
    issued, _ = school_accounts_create(by=cast.county_staff, schools=[cast.A3])
    user = User.objects.get(pk=issued[0].user_id)
    _, key = ApiToken.issue(user=user, name="t")
    response = client.get(reverse("api-1:list_schools"), HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403 and "修改初始密码" in response.json()["detail"]
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    assert client.get(reverse("api-1:list_schools"), HTTP_AUTHORIZATION=f"Bearer {key}").json()["count"] == 1


def test_a_reset_by_someone_else_forces_a_change(cast, client):
    client.force_login(cast.county_staff)
    client.post(reverse("people:user_password", kwargs={"pk": cast.school_user.pk}), {"password": "Reset-pass-2026"})
    cast.school_user.refresh_from_db()
    assert cast.school_user.must_change_password and cast.school_user.check_password("Reset-pass-2026")


# --- office staff manage their own subtree only ----------------------------------------------------

# Which persona accounts each persona manages on the user pages (their own account aside).
MANAGES = {
    "admin": {"province_staff", "city_staff", "county_staff", "county_leader", "supervisor", "school_user", "evaluator",
              "outsider", "multi", "nobody"},
    "province_staff": {"city_staff", "county_staff", "county_leader", "supervisor", "school_user", "evaluator", "outsider",
                       "multi"},
    "city_staff": {"county_staff", "county_leader", "supervisor", "school_user", "evaluator", "outsider", "multi"},
    "county_staff": {"county_leader", "supervisor", "school_user"},
    "multi": {"evaluator"},
}
MANAGERS = set(MANAGES)


@pytest.mark.parametrize("persona", list(MANAGES) + ["county_leader", "supervisor", "school_user", "evaluator", "outsider", "nobody"])
def test_user_pages_as_every_persona(cast, client, persona):
    me = getattr(cast, persona)
    client.force_login(me)
    listing = client.get(reverse("people:user_list"))
    if persona not in MANAGERS:
        assert listing.status_code == 403
        for name in ("people:batch_accounts",):
            assert client.get(reverse(name)).status_code == 403
        assert client.post(reverse("people:batch_active"), {"ids": [cast.nobody.pk], "action": "disable"}).status_code == 403
        assert client.get(reverse("people:user_detail", kwargs={"pk": cast.nobody.pk})).status_code == 403
        return
    html = listing.content.decode()
    from tests.personas import PERSONAS

    for other in PERSONAS:
        if other == persona:
            continue
        user = getattr(cast, other)
        managed = other in MANAGES[persona]
        assert (f">{user.username}</a>" in html) == managed, (persona, other)
        detail = client.get(reverse("people:user_detail", kwargs={"pk": user.pk}))
        assert detail.status_code == (200 if managed else 404), (persona, other)
        if not managed:
            grant = user.role_grants.first()
            if grant is not None:
                url = reverse("people:grant_remove", kwargs={"pk": user.pk, "grant_pk": grant.pk})
                assert client.post(url).status_code == 404
            for name in ("people:user_password", "people:user_unlock", "people:grant_add"):
                assert client.post(reverse(name, kwargs={"pk": user.pk}), {"password": "Xyz-pass-2026"}).status_code == 404
            assert client.post(reverse("people:batch_active"), {"ids": [user.pk], "action": "disable"}).status_code == 403
            user.refresh_from_db()
            assert user.is_active and user.check_password(PASSWORD)


def test_county_staff_cannot_touch_the_city_or_a_sibling(cast, client):
    client.force_login(cast.county_staff)
    for target in (cast.city_staff, cast.province_staff, cast.outsider, cast.evaluator, cast.admin):
        assert client.get(reverse("people:user_detail", kwargs={"pk": target.pk})).status_code == 404
        response = client.post(reverse("people:user_detail", kwargs={"pk": target.pk}),
                               {"edit-full_name": "x", "edit-is_active": ""})
        assert response.status_code == 404
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        users_set_active(by=cast.county_staff, users=[cast.city_staff], active=False)
    cast.city_staff.refresh_from_db()
    assert cast.city_staff.is_active and cast.city_staff.full_name == "市督导室"


def test_county_staff_cannot_grant_above_or_beside(cast, client):
    client.force_login(cast.county_staff)
    city = Office.objects.get(region__code="4301")
    url = reverse("people:grant_add", kwargs={"pk": cast.supervisor.pk})
    for data in ({"grant-role": "system_admin"}, {"grant-role": "office_staff", "grant-office": city.pk},
                 {"grant-role": "evaluator", "grant-school_codes": cast.B1.code}):
        assert client.post(url, data).status_code == 400, data
    assert cast.supervisor.role_grants.count() == 1
    ok = client.post(url, {"grant-role": "evaluator", "grant-school_codes": cast.A3.code})
    assert ok.status_code == 302


def test_batch_disable_and_enable(cast, client):
    client.force_login(cast.county_staff)
    ids = [cast.supervisor.pk, cast.school_user.pk, cast.county_staff.pk]  # own account is never disabled
    response = client.post(reverse("people:batch_active"), {"ids": ids, "action": "disable"})
    assert response.status_code == 302
    assert set(User.objects.filter(pk__in=ids, is_active=False).values_list("username", flat=True)) == {"t_supervisor", "t_school"}
    client.post(reverse("people:batch_active"), {"ids": ids, "action": "enable"})
    assert User.objects.filter(pk__in=ids, is_active=True).count() == 3



def test_nobody_disables_their_own_account_on_its_page(cast, client):
    """The detail page refuses what the batch action refuses, and keeps what was typed."""
    client.force_login(cast.county_staff)
    me = cast.county_staff
    response = client.post(reverse("people:user_detail", kwargs={"pk": me.pk}),
                           {"edit-full_name": "改了名字", "edit-phone": "", "edit-email": ""})  # is_active unticked
    assert response.status_code == 200
    assert "不能停用自己的账号。" in response.content.decode() and 'value="改了名字"' in response.content.decode()
    me.refresh_from_db()
    assert me.is_active and me.full_name != "改了名字"
    # another account in scope can still be disabled there
    response = client.post(reverse("people:user_detail", kwargs={"pk": cast.supervisor.pk}),
                           {"edit-full_name": cast.supervisor.full_name, "edit-phone": "", "edit-email": ""})
    assert response.status_code == 302
    cast.supervisor.refresh_from_db()
    assert not cast.supervisor.is_active


ACCOUNT_URLS = ["people:user_list", "people:user_detail", "people:grant_add", "people:grant_remove", "people:user_password",
                "people:user_unlock", "people:batch_accounts", "people:batch_active"]


def test_anonymous_is_sent_to_login(cast, client):
    grant = cast.county_staff.role_grants.get()
    for name in ACCOUNT_URLS:
        kwargs = {"pk": cast.county_staff.pk} if name not in {"people:user_list", "people:batch_accounts", "people:batch_active"} else {}
        if name == "people:grant_remove":
            kwargs["grant_pk"] = grant.pk
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code in (302, 405), name
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), name


# --- the API: same services, same scope ------------------------------------------------------------

API_URLS = ["api-1:list_accounts", "api-1:create_batch", "api-1:set_active"]


def test_api_batch_opening_and_disabling(cast, client, ningxiang):
    s = _supervisor(ningxiang, "接口督学")
    _, key = ApiToken.issue(user=cast.county_staff, name="office")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.post(reverse("api-1:create_batch"), {"kind": "supervisors", "ids": [s.pk]}, content_type="application/json", **auth)
    assert response.status_code == 200
    body = response.json()
    assert [(a["username"], a["name"]) for a in body["issued"]] == [("430182-d001", "接口督学")]
    user = User.objects.get(username="430182-d001")
    assert user.check_password(body["issued"][0]["password"]) and user.must_change_password
    response = client.post(reverse("api-1:create_batch"), {"kind": "schools", "ids": [cast.A3.pk]}, content_type="application/json", **auth)
    assert response.json()["issued"][0]["username"] == cast.A3.code
    listed = {a["username"]: a for a in client.get(reverse("api-1:list_accounts"), **auth).json()}
    assert set(listed) == {"t_county", "t_leader", "t_supervisor", "t_school", "430182-d001", cast.A3.code}
    assert listed["430182-d001"]["must_change_password"] and listed["430182-d001"]["roles"] == ["supervisor"]
    response = client.post(reverse("api-1:set_active"), {"ids": [user.pk], "active": False}, content_type="application/json", **auth)
    assert response.json() == {"changed": 1}
    user.refresh_from_db()
    assert not user.is_active


@pytest.mark.parametrize("persona", ["county_staff", "county_leader", "supervisor", "school_user", "outsider", "multi", "nobody"])
def test_api_refuses_outside_the_scope(cast, client, persona):
    liuyang = Office.objects.get(region__code="430181")
    s = _supervisor(liuyang, "浏阳督学")
    client.force_login(getattr(cast, persona))
    manager = persona in MANAGERS
    listing = client.get(reverse("api-1:list_accounts"))
    assert listing.status_code == (200 if manager else 403)
    if manager:
        names = {a["username"] for a in listing.json()}
        assert names - {getattr(cast, persona).username} == {getattr(cast, p).username for p in MANAGES[persona]}
    for payload in ({"kind": "supervisors", "ids": [s.pk]}, {"kind": "schools", "ids": [cast.C1.pk]}):
        assert client.post(reverse("api-1:create_batch"), payload, content_type="application/json").status_code == 403
    response = client.post(reverse("api-1:set_active"), {"ids": [cast.city_staff.pk], "active": False}, content_type="application/json")
    assert response.status_code == 403
    assert not User.objects.filter(username__startswith="430181-d").exists()
    assert User.objects.get(pk=cast.city_staff.pk).is_active


def test_api_asks_for_authentication(cast, client):
    assert client.get(reverse("api-1:list_accounts")).status_code == 401
    assert client.post(reverse("api-1:create_batch"), {"kind": "schools", "ids": []}, content_type="application/json").status_code == 401
    assert client.post(reverse("api-1:set_active"), {"ids": [], "active": False}, content_type="application/json").status_code == 401


def test_a_city_office_picks_one_county_at_a_time(cast, client, ningxiang):
    liuyang = Office.objects.get(region__code="430181")
    _supervisor(ningxiang, "宁乡督学")
    _supervisor(liuyang, "浏阳督学")
    client.force_login(cast.city_staff)
    everything = client.get(reverse("people:batch_accounts")).content.decode()
    assert "宁乡督学" in everything and "浏阳督学" in everything
    one = client.get(reverse("people:batch_accounts") + f"?office={liuyang.pk}").content.decode()
    assert "浏阳督学" in one and "宁乡督学" not in one
    schools = client.get(reverse("people:batch_accounts") + f"?kind=schools&office={liuyang.pk}").content.decode()
    assert cast.C1.code in schools and cast.A1.code not in schools
    # The county office sees no choice of office and nothing of 浏阳, whatever it asks for.
    client.force_login(cast.county_staff)
    page = client.get(reverse("people:batch_accounts") + f"?office={liuyang.pk}").content.decode()
    assert "浏阳督学" not in page and "宁乡督学" in page


@pytest.mark.parametrize("persona", sorted(MANAGERS))
def test_batch_page_lists_only_the_schools_the_persona_may_change(cast, client, persona):
    from tests.personas import EXPECTED, WRITERS

    rule = WRITERS[persona]
    keys = {"A1", "A2", "A3", "B1", "B2", "C1", "D1"} if rule == "all" else set(EXPECTED[persona]) if rule == "scope" else set(rule)
    client.force_login(getattr(cast, persona))
    page = client.get(reverse("people:batch_accounts") + "?kind=schools").content.decode()
    for key in ("A1", "A2", "A3", "B1", "B2", "C1", "D1"):
        assert (getattr(cast, key).code in page) == (key in keys), (persona, key)
