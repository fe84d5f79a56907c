"""Admin conventions: users and roles, code lists, operation log."""

from __future__ import annotations

from django.urls import reverse

from dudao.people.models import RoleGrant, User
from dudao.system.models import DictionaryItem


def test_builtin_code_lists_carry_their_source(db):
    items = DictionaryItem.objects.filter(dict_type="supervision_item")
    assert items.count() == 8
    assert items.get(code="6").label == "校园及周边安全情况，学生交通安全情况"
    assert all(i.source == "《中小学校责任督学挂牌督导办法》（国教督办〔2013〕7号）第四条" and i.is_builtin for i in items)


def test_admin_adds_a_dictionary_entry(cast, client):
    client.force_login(cast.admin)
    response = client.post(reverse("system:dictionary_create"), {"dict_type": "visit_method", "code": "night_check",
                                                                 "label": "夜间查寝", "order": 99, "is_active": "on"})
    assert response.status_code == 302
    assert DictionaryItem.objects.get(code="night_check").label == "夜间查寝"
    listing = client.get(reverse("system:dictionary_list"), {"type": "visit_method"}).content.decode()
    assert "夜间查寝" in listing and "督导方式" in listing


def test_create_user_keeps_input_on_errors(cast, client):
    client.force_login(cast.admin)
    response = client.post(reverse("people:user_create"), {"username": "new_user", "full_name": "新用户",
                                                           "phone": "123", "password": "12345678"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="new_user"' in page and 'value="新用户"' in page
    assert "请输入11位手机号" in page
    assert not User.objects.filter(username="new_user").exists()


def test_create_user_then_grant_a_role(cast, client):
    client.force_login(cast.admin)
    response = client.post(reverse("people:user_create"), {"username": "wc_staff", "full_name": "望城干部",
                                                           "phone": "13800000000", "password": "Wangcheng-2026"})
    user = User.objects.get(username="wc_staff")
    assert response["Location"] == reverse("people:user_detail", kwargs={"pk": user.pk})
    office = cast.multi.role_grants.get(role="office_staff").office
    response = client.post(reverse("people:grant_add", kwargs={"pk": user.pk}),
                           {"grant-role": "office_staff", "grant-office": office.pk})
    assert response.status_code == 302
    assert RoleGrant.objects.get(user=user).office == office


def test_grant_with_unknown_school_code_is_explained(cast, client):
    client.force_login(cast.admin)
    response = client.post(reverse("people:grant_add", kwargs={"pk": cast.nobody.pk}),
                           {"grant-role": "school_user", "grant-school_codes": "9999999999"})
    assert response.status_code == 400
    assert "以下学校标识码不存在：9999999999" in response.content.decode()
    assert not cast.nobody.role_grants.exists()


def test_operation_log_records_changes_with_the_actor(cast, client):
    from auditlog.context import set_actor

    with set_actor(cast.admin):
        cast.A1.name = "测试宁乡一小（更名）"
        cast.A1.save()
    client.force_login(cast.admin)
    page = client.get(reverse("system:operation_log")).content.decode()
    assert "测试宁乡一小（更名）" in page and "管理员" in page
