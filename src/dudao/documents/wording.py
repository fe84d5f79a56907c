"""An office's own wording of a document type (公文模板) and its 发文字号 series (机关代字), without code.

Template text is Django template language over the builder's data (documents/builtin.py SAMPLE),
but only variables, filters and a few harmless tags (if/for/firstof/comment/with): a template is
office data, typed by staff, and must never load tag libraries, include other templates or reach
the file system. A syntax error is answered in Chinese with its line, never a 500.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template import Engine, TemplateSyntaxError
from django.template.base import Lexer, TokenType
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.documents import access
from dudao.documents.builtin import SAMPLE
from dudao.documents.models import DocumentKind, DocumentSeries, DocumentTemplate
from dudao.documents.services import default_code, text_to_blocks

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

# The tags a template may use; every other tag ({% load %}, {% include %}, {% extends %}, {% url %},
# {% csrf_token %}, {% debug %} …) is refused.
ALLOWED_TAGS = {"if", "elif", "else", "endif", "for", "empty", "endfor", "firstof", "comment", "endcomment",
                "with", "endwith"}
_CHECK_ENGINE = Engine(debug=True, autoescape=False)
CODE_RE = re.compile(r"^[\u4e00-\u9fff]{2,12}$")


def check_template_text(text: str, *, field: str) -> None:
    """Refuse a tag outside ALLOWED_TAGS and any syntax error, naming the line (第 N 行)."""
    for token in Lexer(text).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name not in ALLOWED_TAGS:
                raise ValidationError({field: _("第 %(line)s 行：模板中不能使用 {%% %(tag)s %%} 标签，只能使用 {{ 变量 }}、过滤器和 if/for。")
                                       % {"line": token.lineno, "tag": name}})
    try:
        _CHECK_ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        info = getattr(exc, "template_debug", None) or {}
        line = info.get("line", "?")
        raise ValidationError({field: _("第 %(line)s 行：模板语法错误（%(error)s）。请检查 {{ }} 和 {%% %%} 是否成对。")
                               % {"line": line, "error": exc}}) from exc


def preview(template: DocumentTemplate | None = None, *, title: str = "", body: str = "") -> dict[str, Any]:
    """The template filled with the sample data: {"title", "blocks"} (the text is checked first)."""
    from dudao.documents.services import fill

    title = template.title if template is not None and not title else title
    body = template.body if template is not None and not body else body
    return {"title": fill(title, SAMPLE), "blocks": text_to_blocks(fill(body, SAMPLE))}


@transaction.atomic
def template_copy(*, by: User, office: Office, kind: str) -> DocumentTemplate:
    """The office's own copy of `kind`, made from the wording it uses now (its parent's or the
    built-in); an existing copy is returned as it is."""
    from dudao.documents.services import template_for

    if not access.may_draft(by, office):
        raise PermissionDenied(_("只有本督导室的工作人员可以修改公文模板。"))
    if kind not in DocumentKind.values:
        raise ValidationError(_("未知的文种。"))
    own = DocumentTemplate.objects.filter(kind=kind, office=office).first()
    if own is not None:
        return own
    base = template_for(kind, office)
    return DocumentTemplate.objects.create(
        kind=kind, office=office, name=base.name if base else str(DocumentKind(kind).label),
        title=base.title if base else "", masthead=(base.masthead if base else "") or office.name,
        code=(base.code if base else "") or default_code(office), body=base.body if base else "",
        source=base.source if base else "")


@transaction.atomic
def template_save(template: DocumentTemplate, *, by: User, name: str, title: str, masthead: str, code: str,
                  body: str) -> DocumentTemplate:
    """Change an office's copy; the text is validated (check_template_text) before anything is saved."""
    if template.office is None:
        raise PermissionDenied(_("内置模板不能修改，请先复制为本督导室的模板。"))
    if not access.may_draft(by, template.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以修改公文模板。"))
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors.setdefault("name", []).append(_("请填写名称。"))
    if code.strip() and not CODE_RE.match(code.strip()):
        errors.setdefault("code", []).append(_("机关代字为 2 至 12 个汉字，例如：宁教督。"))
    for field, text in (("title", title), ("body", body)):
        try:
            check_template_text(text, field=field)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    template.name, template.title, template.masthead = name.strip(), title.strip(), masthead.strip()
    template.code, template.body = code.strip(), body
    template.save()
    return template


@transaction.atomic
def template_reset(template: DocumentTemplate, *, by: User) -> None:
    """Drop the office's copy: the office falls back to its parent's wording or the built-in."""
    if template.office is None or not access.may_draft(by, template.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以修改公文模板。"))
    template.delete()


# --- 发文字号 series ---------------------------------------------------------------------------------------
def series_codes(office: Office) -> list[str]:
    """The office's 机关代字, the default first (宁教督), then those added (宁教督函 …) and those of
    its templates, without repeats."""
    codes = [default_code(office)]
    codes += list(DocumentSeries.objects.filter(office=office).order_by("code").values_list("code", flat=True))
    codes += list(DocumentTemplate.objects.filter(office=office).exclude(code="").values_list("code", flat=True))
    return list(dict.fromkeys(codes))


def series_rows(office: Office, year: int | None = None) -> list[dict[str, Any]]:
    """Each 机关代字 with the year's last number used and the next one to be taken (shown, never typed)."""
    year = year or timezone.localdate().year
    used = {s.code: s.last_number for s in DocumentSeries.objects.filter(office=office, year=year)}
    rows = []
    for code in series_codes(office):
        last = used.get(code, 0)
        rows.append({"code": code, "year": year, "last": last,
                     "next": DocumentSeries(office=office, code=code, year=year).number_text(last + 1)})
    return rows


@transaction.atomic
def series_add(*, by: User, office: Office, code: str, year: int | None = None) -> DocumentSeries:
    """A new 机关代字 of the office (e.g. 宁教督函 for 函): a series of this year starting at 1."""
    if not access.may_draft(by, office):
        raise PermissionDenied(_("只有本督导室的工作人员可以设置发文字号。"))
    code = code.strip()
    if not CODE_RE.match(code):
        raise ValidationError({"code": _("机关代字为 2 至 12 个汉字，例如：宁教督函。")})
    year = year or timezone.localdate().year
    if DocumentSeries.objects.filter(office=office, code=code, year=year).exists():
        raise ValidationError({"code": _("该机关代字已存在。")})
    return DocumentSeries.objects.create(office=office, code=code, year=year)
