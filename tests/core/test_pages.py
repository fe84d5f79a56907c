"""Login, lockout, home, language switch and the security headers."""

from __future__ import annotations

from django.urls import reverse

from tests.html_page import Html
from tests.personas import PASSWORD


def test_login_page_is_chinese_and_logs_in(cast, client):
    page = client.get(reverse("login")).content.decode()
    assert "登录" in page and 'lang="zh-CN"' in page
    response = client.post(reverse("login"), {"username": "t_county", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home")).content.decode()
    assert "宁乡督导室" in home and "督导室工作人员" in home


def test_wrong_password_keeps_the_user_name(cast, client):
    response = client.post(reverse("login"), {"username": "t_county", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200 and 'value="t_county"' in page
    assert "请输入一个正确的" in page or "用户名或密码不正确" in page


def test_lockout_after_five_failures_and_login_log(cast, client):
    from axes.models import AccessAttempt, AccessFailureLog

    for _ in range(5):
        client.post(reverse("login"), {"username": "t_county", "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    response = client.post(reverse("login"), {"username": "t_county", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert AccessAttempt.objects.filter(username="t_county").exists()
    assert AccessFailureLog.objects.filter(username="t_county").count() >= 5
    # the admin sees the failures in the login log and can lift the lockout
    client.force_login(cast.admin)
    log = client.get(reverse("system:login_log"), {"show": "failure"}).content.decode()
    assert "t_county" in log
    client.post(reverse("people:user_unlock", kwargs={"pk": cast.county_staff.pk}))
    assert not AccessAttempt.objects.filter(username="t_county").exists()


def test_successful_login_is_logged(cast, client):
    from axes.models import AccessLog

    client.post(reverse("login"), {"username": "t_leader", "password": PASSWORD})
    assert AccessLog.objects.filter(username="t_leader").exists()


def test_language_switch_to_english_and_back(cast, client):
    client.force_login(cast.county_staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("schools:list")).content.decode()
    assert 'lang="en"' in page and "Schools" in page and "学校名录" not in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "学校名录" in client.get(reverse("schools:list")).content.decode()


def test_security_headers(cast, client):
    client.force_login(cast.county_staff)
    response = client.get(reverse("core:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    assert "unsafe" not in script_src
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_school_overview_shows_counts_by_kind_and_stage_with_a_chart(cast, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("schools:overview")).content.decode()
    assert 'data-testid="school-count">3<' in page
    assert 'data-chart="kind-chart"' in page and 'id="kind-chart"' in page
    assert "按学段" in page and "2025" in page


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_404_is_chinese(cast, client):
    client.force_login(cast.county_staff)
    response = client.get("/schools/999999/")
    assert response.status_code == 404
    page = Html(response)
    assert page.text_of("title") == "未找到 · 督导"
    assert page.text_of("h1") == "页面不存在"
    assert page.text_of("p", cls="empty-title") == "您访问的内容不存在，或不在您的权限范围内。"
