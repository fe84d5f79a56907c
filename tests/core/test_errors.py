"""core/errors.py: a service's ValidationError on a form (by field, keeping what was typed) and in
the API's error shape."""

from django import forms
from django.core.exceptions import ValidationError

from dudao.core.errors import (
    add_service_errors,
    error_body,
    error_dict,
    joined_messages,
    validation_error_body,
)


class _Form(forms.Form):
    deadline = forms.CharField()
    finding_category = forms.CharField(required=False)
    password = forms.CharField(required=False)


def _bound() -> _Form:
    form = _Form({"deadline": "2020-01-01", "finding_category": "卫生"})
    assert form.is_valid()
    return form


def test_field_errors_go_under_their_field_and_the_rest_to_the_top():
    form = _bound()
    add_service_errors(form, ValidationError({"deadline": ["整改期限不能早于今天。"], "school": ["学校已停办。"]}))
    assert form.errors["deadline"] == ["整改期限不能早于今天。"]
    assert form.non_field_errors() == ["学校已停办。"]  # the form has no "school" field
    assert form["deadline"].value() == "2020-01-01"  # what the user typed stays in the form


def test_aliases_and_a_default_field():
    form = _bound()
    add_service_errors(form, ValidationError({"category": ["未知的问题类别。"]}), aliases={"category": "finding_category"})
    assert form.errors["finding_category"] == ["未知的问题类别。"]

    form = _bound()
    add_service_errors(form, ValidationError(["密码太短。", "密码太常见。"]), default_field="password")
    assert form.errors["password"] == ["密码太短。", "密码太常见。"] and not form.non_field_errors()

    form = _bound()
    add_service_errors(form, ValidationError("不能重复提交。"))
    assert form.non_field_errors() == ["不能重复提交。"]


def test_messages_by_field_and_joined():
    exc = ValidationError({"methods": ["请至少选择一种督导方法。"], "notes": ["请填写督导情况。", "不超过 2000 字。"]})
    assert error_dict(exc) == {"methods": ["请至少选择一种督导方法。"], "notes": ["请填写督导情况。", "不超过 2000 字。"]}
    assert joined_messages(exc) == "请至少选择一种督导方法。；请填写督导情况。；不超过 2000 字。"
    assert error_dict(ValidationError("已提交。")) == {"__all__": ["已提交。"]}


def test_the_api_shape():
    assert validation_error_body(ValidationError({"note": ["请填写撤销原因。"]})) == {
        "code": "invalid", "detail": "请填写撤销原因。", "field": "note", "errors": {"note": ["请填写撤销原因。"]}}
    assert validation_error_body(ValidationError("已提交。")) == {
        "code": "invalid", "detail": "已提交。", "field": None, "errors": {"__all__": ["已提交。"]}}
    assert error_body("没有找到该学校。", status=404, field="school_code") == {
        "code": "not_found", "detail": "没有找到该学校。", "field": "school_code", "errors": {"school_code": ["没有找到该学校。"]}}
    assert error_body("请求过于频繁。", status=429)["code"] == "rate_limited"
