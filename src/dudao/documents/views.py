"""公文管理 pages (docs/documents.md, "Workflow"). Thin: reads through `selectors` (404 outside what the
person reads), every step through `services` / `wording`, which ask documents/access.py (403 when the
person reads the document but may not act)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao.access import get_scope, is_office_user
from dudao.core.downloads import download_response, stored_file_response
from dudao.core.errors import add_service_errors, joined_messages
from dudao.documents import access, editing, selectors, services, wording
from dudao.documents.builtin import PLACEHOLDERS
from dudao.documents.forms import (
    CreateForm,
    EditForm,
    ReasonForm,
    RevisionForm,
    SeriesForm,
    SignForm,
    TemplateForm,
)
from dudao.documents.models import Document, DocumentKind, DocumentStatus, DocumentTemplate

PAGE_SIZE = 30
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _drafting_offices(user) -> list:
    from dudao.regions.selectors import managed_offices

    return [o for o in managed_offices(user) if access.may_draft(user, o)]


def _reading_offices(user) -> list:
    from dudao.regions.selectors import team_offices

    return team_offices(user)


# --- the list -------------------------------------------------------------------------------------------------
@login_required
@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    """公文管理: the documents the person reads, filtered, 30 a page, with the counts by status and
    `todo` (what waits for this person: 待审核 they may check, 待签发 they may sign)."""
    filters = selectors.DocumentFilters.from_params(request.GET)
    page = Paginator(selectors.document_list(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(request.user)
    context = {
        "page": page, "rows": list(page.object_list), "filters": filters, "query": filters.as_query(),
        "counts": counts, "kinds": DocumentKind.choices,
        "statuses": [(selectors.TODO, _("待我处理")), *DocumentStatus.choices],
        "years": [(str(y), str(y)) for y in selectors.years(request.user)],
        "may_create": bool(_drafting_offices(request.user)), "is_office": is_office_user(request.user),
    }
    template = "documents/list.html#results" if request.htmx else "documents/list.html"
    return render(request, template, context)


# --- create and edit ------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """拟稿: choose the office and the 文种; the draft starts from the office's wording (template_for)
    with bracketed placeholders for what only the drafter knows."""
    offices = _drafting_offices(request.user)
    if not offices:
        raise PermissionDenied(_("只有督导室工作人员可以拟稿。"))
    form = CreateForm(request.POST or None, offices=offices, initial={"kind": request.GET.get("kind", "")})
    if request.method == "POST" and form.is_valid():
        office = next(o for o in offices if str(o.pk) == form.cleaned_data["office"])
        data = {**PLACEHOLDERS, "office": {"name": office.name}, "year": timezone.localdate().year}
        try:
            document = services.draft_from_template(by=request.user, office=office, kind=form.cleaned_data["kind"],
                                                    data=data, title=form.cleaned_data["title"].strip())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已生成草稿，请修改正文后送审。"))
            return redirect("documents:edit", pk=document.pk)
    return render(request, "documents/create.html", {"form": form}, status=400 if form.errors else 200)


def _initial(document: Document) -> dict:
    return {"title": document.title, "masthead": document.masthead, "addressee": document.addressee,
            "body": editing.blocks_to_text(document.body),
            "attachments": editing.attachments_to_text(document.attachments), "signatory": document.signatory,
            "note": document.note, "cc": document.cc, "printer": document.printer, "upward": document.upward,
            "signer_name": document.signer_name}


def _changes(form: EditForm, document: Document) -> dict:
    """The form's fields as the service's changes; the body text with its data blocks put back (a
    missing marker raises ValidationError {"body"})."""
    data = form.cleaned_data
    return {"title": data["title"].strip(), "masthead": data["masthead"].strip(),
            "addressee": data["addressee"].strip(), "body": editing.text_to_body(data["body"], document.body),
            "attachments": editing.text_to_attachments(data["attachments"]),
            "signatory": data["signatory"].strip(), "note": data["note"].strip(), "cc": data["cc"].strip(),
            "printer": data["printer"].strip(), "upward": data["upward"], "signer_name": data["signer_name"].strip()}


def _recipient_schools(user, document: Document):
    """The schools a draft may go to: those of the office's area the person reads."""
    from dudao.schools.models import School

    return School.objects.visible_to(user).under(document.office.region.code).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.access_document(request.user, pk)
    if not access.may_edit(request.user, document):
        raise PermissionDenied(_("只有草稿可以修改，且须由本督导室的工作人员修改。"))
    initial = {**_initial(document), "schools": list(document.recipients.filter(school__isnull=False)
                                                        .values_list("school_id", flat=True))}
    form = EditForm(request.POST or None, initial=initial, schools=_recipient_schools(request.user, document))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.edit_draft(document, by=request.user, **_changes(form, document))
                editing.school_recipients_set(document, form.cleaned_data["schools"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/edit.html", {
        "form": form, "doc": document, "data_blocks": editing.data_blocks(document.body), "revision": False},
        status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    """修订: an issued document changes only as a new version with its reason (the number stays)."""
    document = selectors.access_document(request.user, pk)
    if not (document.is_issued and access.may_publish(request.user, document)):
        raise PermissionDenied(_("只有本督导室的工作人员可以修订已印发的公文。"))
    form = RevisionForm(request.POST or None, initial=_initial(document))
    if request.method == "POST" and form.is_valid():
        try:
            version = services.new_version(document, by=request.user, reason=form.cleaned_data["reason"],
                                           **_changes(form, document))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已生成第 %(n)s 版。") % {"n": version.version})
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/edit.html", {
        "form": form, "doc": document, "data_blocks": editing.data_blocks(document.body), "revision": True},
        status=400 if form.errors else 200)


# --- the detail and its files -------------------------------------------------------------------------------
def _detail_context(request: HttpRequest, document: Document, **extra) -> dict:
    user = request.user
    versions = list(document.versions.order_by("-version"))
    may_sign = access.may_sign(user, document)
    codes = wording.series_codes(document.office) if may_sign else []
    default = (document.template.code if document.template and document.template.code else "") or \
        services.default_code(document.office)
    return {
        "doc": document, "versions": versions, "events": selectors.events_for(user, document),
        "recipients": list(document.recipients.select_related("read_by")),
        "receipts": selectors.receipts(document),
        "may_edit": access.may_edit(user, document), "may_check": access.may_check(user, document),
        "may_sign": may_sign, "may_publish": access.may_publish(user, document),
        "may_share": (access.may_publish(user, document) or access.may_edit(user, document))
        and document.recipients.exists(),
        "sign_form": extra.pop("sign_form", None) or SignForm(codes=codes, initial={"code": default}),
        "return_form": extra.pop("return_form", None) or ReasonForm(),
        "is_drafter": document.created_by_id == user.pk,
        **extra,
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.access_document(request.user, pk)
    if access.is_recipient(request.user, document):
        services.mark_read(document, by=request.user)
    return render(request, "documents/detail.html", _detail_context(request, document))


@login_required
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable history (拟稿 … 印发, versions with their SHA-256)."""
    document = selectors.access_document(request.user, pk)
    return render(request, "documents/history.html", {
        "doc": document, "events": selectors.events_for(request.user, document),
        "versions": list(document.versions.order_by("version")), "printed_at": timezone.now()})


def _stem(document: Document) -> str:
    return (document.number or document.title)[:80]


@login_required
@require_GET
def draft_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The document as it stands now, not frozen (drafts and documents in review): marked as a draft
    by its missing number. An issued document's PDF is its version's file."""
    from dudao.documents.render import render_pdf

    document = selectors.access_document(request.user, pk)
    if document.is_issued:
        version = document.current_version
        if version is None:
            raise Http404
        return redirect("documents:version_file", pk=document.pk, version=version.version, fmt="pdf")
    return download_response(render_pdf(document), f"{_stem(document)}（{_('草稿')}）.pdf", PDF)


@login_required
@require_GET
def version_file(request: HttpRequest, pk: int, version: int, fmt: str) -> HttpResponse:
    document = selectors.access_document(request.user, pk)
    v = document.versions.filter(version=version).first()
    if v is None or fmt not in {"pdf", "docx"}:
        raise Http404
    field, content_type = (v.pdf, PDF) if fmt == "pdf" else (v.docx, DOCX)
    return stored_file_response(field, content_type, filename=f"{_stem(document)}-v{v.version}.{fmt}",
                                inline=False, nosniff=True)


# --- the steps --------------------------------------------------------------------------------------------
def _step(request: HttpRequest, pk: int, run, done: str) -> HttpResponse:
    document = selectors.access_document(request.user, pk)
    try:
        run(document)
    except ValidationError as exc:
        messages.error(request, joined_messages(exc))
    else:
        messages.success(request, done)
    return redirect("documents:detail", pk=document.pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lambda d: services.submit(d, by=request.user), _("已送审。"))


@login_required
@require_POST
def check(request: HttpRequest, pk: int) -> HttpResponse:
    note = (request.POST.get("note") or "").strip()[:500]
    return _step(request, pk, lambda d: services.check(d, by=request.user, note=note), _("已审核通过，待领导签发。"))


@login_required
@require_POST
def return_draft(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.access_document(request.user, pk)
    if not (access.may_check(request.user, document) or access.may_sign(request.user, document)):
        raise PermissionDenied(_("您不能退回这份公文。"))
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.return_to_draft(document, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已退回拟稿人修改。"))
            return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/detail.html", _detail_context(request, document, return_form=form), status=400)


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """签发: the leader chooses the 机关代字; the number is taken when the files are frozen."""
    document = selectors.access_document(request.user, pk)
    if not access.may_sign(request.user, document):
        raise PermissionDenied(_("只有督导室领导可以签发待签发的公文。"))
    form = SignForm(request.POST, codes=wording.series_codes(document.office))
    if form.is_valid():
        document = services.issue(document, by=request.user, code=form.cleaned_data["code"])
        messages.success(request, _("已签发，发文字号：%(number)s。") % {"number": document.number})
        return redirect("documents:detail", pk=document.pk)
    return render(request, "documents/detail.html", _detail_context(request, document, sign_form=form), status=400)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    public = request.POST.get("public", "1") == "1"
    return _step(request, pk, lambda d: services.publish(d, by=request.user, public=public),
                 _("已公开。") if public else _("已撤回公开。"))


@login_required
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, lambda d: services.share(d, by=request.user), _("已送达收文单位。"))


# --- templates --------------------------------------------------------------------------------------------
def _office_reader(request: HttpRequest) -> None:
    if not is_office_user(request.user):
        raise PermissionDenied(_("只有督导室工作人员和领导可以查看公文模板和发文字号。"))


def _visible_templates(user):
    from django.db.models import Q

    offices = _reading_offices(user)
    return DocumentTemplate.objects.filter(Q(office__isnull=True) | Q(office__in=offices)).select_related("office")


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    """公文模板: the built-ins and the copies of the offices the person reads; staff copy and edit."""
    _office_reader(request)
    templates = list(_visible_templates(request.user).order_by("kind", "office__region__code"))
    drafting = _drafting_offices(request.user)
    own = {(t.office_id, t.kind) for t in templates if t.office_id}
    kinds = []
    for value, label in DocumentKind.choices:
        rows = [t for t in templates if t.kind == value]
        kinds.append({"kind": value, "label": label, "templates": rows,
                      "copyable": [o for o in drafting if (o.pk, value) not in own]})
    return render(request, "documents/templates.html", {"kinds": kinds, "drafting": drafting})


@login_required
@require_POST
def template_copy(request: HttpRequest) -> HttpResponse:
    offices = _drafting_offices(request.user)
    office = next((o for o in offices if str(o.pk) == request.POST.get("office")), None)
    if office is None:
        raise PermissionDenied(_("只有本督导室的工作人员可以修改公文模板。"))
    try:
        template = wording.template_copy(by=request.user, office=office, kind=request.POST.get("kind", ""))
    except ValidationError as exc:
        messages.error(request, joined_messages(exc))
        return redirect("documents:templates")
    return redirect("documents:template_edit", pk=template.pk)


def _access_template(request: HttpRequest, pk: int) -> DocumentTemplate:
    _office_reader(request)
    template = _visible_templates(request.user).filter(pk=pk).first()
    if template is None:
        raise Http404
    return template


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An office's copy: edit, or preview the typed text with sample data ("预览" keeps it unsaved)."""
    template = _access_template(request, pk)
    editable = template.office is not None and access.may_draft(request.user, template.office)
    if request.method == "POST" and not editable:
        raise PermissionDenied(_("只有本督导室的工作人员可以修改公文模板。"))
    initial = {"name": template.name, "title": template.title, "masthead": template.masthead, "code": template.code,
               "body": template.body}
    form = TemplateForm(request.POST or None, initial=initial)
    shown = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "preview" in request.POST:
                wording.check_template_text(data["title"], field="title")
                wording.check_template_text(data["body"], field="body")
                shown = wording.preview(title=data["title"], body=data["body"])
            else:
                wording.template_save(template, by=request.user, name=data["name"], title=data["title"],
                                      masthead=data["masthead"], code=data["code"], body=data["body"])
                messages.success(request, _("模板已保存，之后新拟的公文使用新的措辞。"))
                return redirect("documents:template_edit", pk=template.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if shown is None and not form.errors:
        try:
            shown = wording.preview(template)
        except Exception:  # noqa: BLE001 — a stored text that no longer renders: the page still opens
            shown = None
    return render(request, "documents/template_edit.html", {
        "template": template, "form": form, "editable": editable, "shown": shown,
        "variables": sorted(PLACEHOLDERS.items())}, status=400 if form.errors else 200)


@login_required
@require_POST
def template_reset(request: HttpRequest, pk: int) -> HttpResponse:
    template = _access_template(request, pk)
    wording.template_reset(template, by=request.user)
    messages.success(request, _("已删除本督导室的模板，恢复使用上级或内置模板。"))
    return redirect("documents:templates")


# --- 发文字号 ---------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def series(request: HttpRequest) -> HttpResponse:
    """发文字号: each office's 机关代字 with this year's next number (never typed); staff add a 代字."""
    _office_reader(request)
    offices = _reading_offices(request.user)
    drafting = _drafting_offices(request.user)
    form = SeriesForm(request.POST or None, offices=drafting)
    if request.method == "POST":
        if not drafting:
            raise PermissionDenied(_("只有本督导室的工作人员可以设置发文字号。"))
        if form.is_valid():
            office = next(o for o in drafting if str(o.pk) == form.cleaned_data["office"])
            try:
                wording.series_add(by=request.user, office=office, code=form.cleaned_data["code"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已添加机关代字。"))
                return redirect("documents:series")
    year = timezone.localdate().year
    rows = [(o, wording.series_rows(o, year)) for o in offices[:200]]
    return render(request, "documents/series.html", {
        "rows": rows, "form": form, "drafting": drafting, "year": year,
        "everything": get_scope(request.user).everything}, status=400 if form.errors else 200)
