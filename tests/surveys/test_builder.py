"""The builder's checks (Chinese messages), copying a built-in, and the built-ins as installed."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dudao.surveys import services
from dudao.surveys.builtin import questionnaires_install_builtin
from dudao.surveys.logic import normalise_options
from dudao.surveys.models import Questionnaire

YN = normalise_options(["是", "否"])


def _save(q, **fields):
    return services.question_save(by=None, questionnaire=q, **fields)


def _refused(q, **fields) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        _save(q, **fields)
    return exc.value.messages


def test_choice_question_needs_options(small):
    assert _refused(small, code="X1", text="无选项", type="single") == ["单选、多选、量表和矩阵题至少要有两个选项。"]
    assert _refused(small, code="X2", text="矩阵无行", type="matrix", options=YN) == ["矩阵题至少要有一行。"]
    assert _refused(small, code="X3", text="填空计入", type="text", in_index=True) == ["填空题和数字题不能计入满意度指数。"]
    assert _refused(small, code="X4", text="无满意项", type="scale", options=YN, in_index=True) == [
        "计入满意度指数的题目至少要有一个“计为满意”的选项。"]
    assert _refused(small, code="坏 号", text="题号", type="text") == [
        "题号只能由字母、数字和下划线组成（不超过 20 个字符），如 Q1、YZ10。"]
    assert _refused(small, code="Q1", text="重复", type="text") == ["题号“Q1”已被其他题目使用。"]


def test_skip_logic_must_point_back_at_a_choice(small):
    assert _refused(small, code="X1", text="未知", type="text", show_if={"question": "ZZ", "in": ["是"]}) == [
        "显示条件引用的题目“ZZ”不存在。"]
    assert _refused(small, code="X2", text="文本", type="text", show_if={"question": "T", "in": ["是"]}) == [
        "显示条件只能引用单选、多选或量表题（“T”不是）。"]
    assert _refused(small, code="X3", text="选项", type="text", show_if={"question": "Q1", "in": ["也许"]}) == [
        "显示条件中的答案“也许”不是题目“Q1”的选项。"]
    # an earlier question made to depend on a later one
    q1 = small.questions.get(code="Q1")
    assert _refused(small, question=q1, show_if={"question": "K", "in": ["学校"]}) == [
        "显示条件只能引用排在本题之前的题目（“K”排在本题之后）。"]


def test_removing_an_option_a_later_condition_uses_is_refused(small):
    q1 = small.questions.get(code="Q1")
    with pytest.raises(ValidationError) as exc:
        _save(small, question=q1, options=normalise_options(["参加", "不参加"]))
    assert exc.value.messages == ["Q2：显示条件中的答案“是”不是题目“Q1”的选项。"]
    q1.refresh_from_db()
    assert [o["value"] for o in q1.options] == ["是", "否"]  # rolled back


def test_delete_and_move_keep_skip_logic_valid(small):
    q1, q2 = small.questions.get(code="Q1"), small.questions.get(code="Q2")
    with pytest.raises(ValidationError) as exc:
        services.question_delete(by=None, question=q1)
    assert exc.value.messages == ["题目 Q2 的显示条件引用了本题，请先修改它们。"]
    with pytest.raises(ValidationError):
        services.question_move(by=None, question=q2, up=True)  # Q2 before Q1: its condition would point forward
    assert list(small.questions.values_list("code", flat=True)[:2]) == ["Q1", "Q2"]
    services.question_move(by=None, question=small.questions.get(code="T"), up=True)
    assert list(small.questions.values_list("code", flat=True)) == ["Q1", "Q2", "T", "M", "N", "K"]


def test_builtins_load_read_only(cast, county_office):
    assert questionnaires_install_builtin() == 4
    assert questionnaires_install_builtin() == 0  # idempotent
    jbjh = Questionnaire.objects.get(office__isnull=True, code="JBJH-PUBLIC")
    matrix = jbjh.questions.get(code="B")
    assert matrix.type == "matrix" and matrix.in_index and len(matrix.rows) == 7
    assert [o for o in matrix.options if o.get("satisfied")] == [{"value": "满意", "satisfied": True},
                                                              {"value": "基本满意", "satisfied": True}]
    assert jbjh.questions.get(code="A1").type == "multiple"
    yz = Questionnaire.objects.get(office__isnull=True, code="YZJH-RECOGNITION")
    assert "据《办法》调查内容编制" in yz.name and yz.questions.filter(in_index=True).count() == 13
    assert yz.questions.get(code="YZ5").groups == ["parent"]
    lz = Questionnaire.objects.get(office__isnull=True, code="LVZHI-SATISFACTION")
    assert "待核实" in lz.name and "待核实" in lz.source
    sj = Questionnaire.objects.get(office__isnull=True, code="SHUANGJIAN")
    assert sj.questions.get(code="P5A").show_if == {"question": "P5", "in": ["是"]}
    with pytest.raises(PermissionDenied):  # built-ins are read-only, even for the admin
        services.question_save(by=cast.admin, questionnaire=jbjh, code="X", text="加题", type="text")
    copy = services.questionnaire_copy(by=cast.county_staff, source=yz, office=county_office)
    assert copy.office == county_office and copy.copied_from == yz and copy.questions.count() == yz.questions.count()
    services.question_save(by=cast.county_staff, questionnaire=copy, code="X", text="本地加题", type="text", required=False)
    assert copy.questions.count() == yz.questions.count() + 1


def test_builder_page_shows_errors_in_chinese_and_keeps_input(cast, client, small):
    client.force_login(cast.county_staff)
    url = reverse("surveys:question_add", kwargs={"pk": small.pk})
    page = client.post(url, {"code": "X1", "text": "我的题目", "type": "single", "options": "", "required": "on",
                             "show_question": "", "show_in": ""})
    assert page.status_code == 400
    html = page.content.decode()
    assert "单选、多选、量表和矩阵题至少要有两个选项。" in html and "我的题目" in html
    page = client.post(url, {"code": "X1", "text": "满意吗", "type": "scale", "options": "满意\n不满意",
                             "satisfied": "很满意", "in_index": "on", "show_question": "Q1", "show_in": ""})
    html = page.content.decode()
    assert "“很满意”不在选项中。" in html and "请填写显示条件的答案" in html
    page = client.post(url, {"code": "X1", "text": "满意吗", "type": "scale", "options": "满意\n不满意",
                             "satisfied": "满意", "in_index": "on", "show_question": "Q1", "show_in": "是",
                             "groups": ["parent"]})
    assert page.status_code == 302
    x1 = small.questions.get(code="X1")
    assert x1.options == [{"value": "满意", "satisfied": True}, {"value": "不满意"}]
    assert x1.show_if == {"question": "Q1", "in": ["是"]} and x1.groups == ["parent"] and x1.in_index


def test_questions_answered_in_a_survey_are_fixed(cast, survey, small):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.update({"q-Q1": "否", "q-M-1": "满意", "q-M-2": "满意", "q-M-3": "满意"})
    services.response_submit(link=survey.links.first(), group="parent", data=data, device_hash="d")
    message = ["问卷已有答卷，不能再修改题目；如需调整，请复制后修改。"]
    assert _refused(small, code="X9", text="新题", type="text") == message
    with pytest.raises(ValidationError) as exc:
        services.question_delete(by=None, question=small.questions.get(code="T"))
    assert exc.value.messages == message
    with pytest.raises(ValidationError) as exc:
        services.question_move(by=None, question=small.questions.get(code="T"), up=True)
    assert exc.value.messages == message
