"""Pages of draft review (征求意见) and the units' side of documents (收文, read receipts).

Every document is read through `Document.objects.visible_to` (404 outside it); the office's pages
(all units' comments, receipts) are for the office and those above it (403 for a unit or a
supervisor who reads the document); acting is checked again in documents/review.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao.access import can_manage_office, get_visible_or_404, sees_office_details
from dudao.core import documents as core_documents
from dudao.core.downloads import download_response, stored_file_response
from dudao.core.pagination import CappedPaginator
from dudao.documents import access, review, services
from dudao.documents.forms_review import AnswerForm, CommentForm, SendForm, SettingsForm
from dudao.documents.models import Document, DocumentStatus, ReviewComment

PER_PAGE = 20


def _document(request: HttpRequest, pk: int) -> Document:
    return get_visible_or_404(Document.objects.visible_to(request.user).select_related("office__region"), pk=pk)


def _shared(request: HttpRequest, pk: int) -> Document:
    """A document as its units read it: only once it was sent to them."""
    document = _document(request, pk)
    if document.shared_at is None and not review.reads_as_office(request.user, document):
        raise Http404
    return document


def _office_side(request: HttpRequest, pk: int) -> Document:
    document = _document(request, pk)
    if not review.reads_as_office(request.user, document):
        raise PermissionDenied(_("只有发文的督导室可以查看各单位的反馈和阅读情况。"))
    return document


def _apply(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- the units' inbox (收文) -----------------------------------------------------------------------------
@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    documents = review.inbox(request.user)
    counts = {"all": documents.count(), "unread": documents.filter(unread=True).count(),
              "review": documents.filter(reviewing=True).count()}
    show = request.GET.get("show", "")
    if show == "unread":
        documents = documents.filter(unread=True)
    elif show == "review":
        documents = documents.filter(reviewing=True)
    page = CappedPaginator(documents, PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for document in page:
        current = review.current_review(document) if document.reviewing else None
        rows.append({"doc": document, "review": current, "open": review.is_open(current)})
    return render(request, "documents/review/inbox.html", {"page": page, "rows": rows, "counts": counts, "show": show})


def _document_context(request: HttpRequest, document: Document, *, form: CommentForm | None = None,
                      form_key: str | None = None) -> dict:
    current = review.current_review(document)
    units = access.answered_recipients(request.user, document, write=True)
    mine = ReviewComment.objects.filter(document=document, recipient__in=units).select_related("by")
    by_block: dict[str, list[ReviewComment]] = {}
    for comment in mine:
        by_block.setdefault(comment.block_key, []).append(comment)
    may_comment = bool(units) and review.is_open(current)
    blocks = [{"block": b, "key": b.get("key", ""), "comments": by_block.get(b.get("key", ""), []),
               "commentable": b.get("type") in review.COMMENTABLE and bool(b.get("key")),
               "form": form if form is not None and form_key == b.get("key") else None}
              for b in document.body]
    return {"doc": document, "review": current, "open": review.is_open(current), "may_comment": may_comment,
            "blocks": blocks, "whole": by_block.get("", []), "units": units,
            "whole_form": form if form is not None and not form_key else CommentForm(), "blank_form": CommentForm(),
            "office_side": review.reads_as_office(request.user, document),
            "version": document.current_version if document.is_issued else None,
            "deadline": review.chinese_date(current.deadline) if current else ""}


@login_required
@require_GET
def inbox_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit reads the document (read-only); a draft under review takes its comments; opening an
    issued document is its read receipt (only the unit's own accounts count)."""
    document = _shared(request, pk)
    if document.is_issued:
        services.mark_read(document, by=request.user)
    return render(request, "documents/review/document.html", _document_context(request, document))


@login_required
@require_GET
def inbox_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    document = _shared(request, pk)
    version = document.current_version if document.is_issued else None
    if version is None:
        raise Http404
    services.mark_read(document, by=request.user)
    name = f"{document.number or document.pk}-{document.title}.pdf".replace("/", "-")
    return stored_file_response(version.pdf, core_documents.PDF, filename=name, inline=False)


@login_required
@require_POST
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    document = _shared(request, pk)
    if not access.answered_recipients(request.user, document, write=True):
        raise PermissionDenied(_("只有收文单位的账号可以提出意见。"))
    form = CommentForm(request.POST)
    key = request.POST.get("block_key", "")
    if form.is_valid():
        try:
            review.add_comment(document, by=request.user, text=form.cleaned_data["text"],
                               kind=form.cleaned_data["kind"], block_key=form.cleaned_data["block_key"])
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("意见已提交，督导室答复后您会收到通知。"))
            url = _reverse_document(document)
            return redirect(f"{url}#b-{key}" if key else f"{url}#whole")
    context = _document_context(request, document, form=form, form_key=key)
    return render(request, "documents/review/document.html", context, status=400)


def _reverse_document(document: Document) -> str:
    from django.urls import reverse

    return reverse("documents:inbox_document", kwargs={"pk": document.pk})


# --- the office's side: comments and answers ----------------------------------------------------------------
def _review_context(request: HttpRequest, document: Document, *, send_form: SendForm | None = None,
                    answer_forms: dict[int, AnswerForm] | None = None) -> dict:
    current = review.current_review(document)
    manage = can_manage_office(request.user, document.office)
    comments = list(document.review_comments.select_related("by", "answered_by", "review").order_by("created_at", "id"))
    answer_forms = answer_forms or {}
    for comment in comments:
        comment.form = answer_forms.get(comment.pk) or AnswerForm(
            initial={"answer": comment.answer, "explanation": comment.explanation})
    blocks = {b.get("key"): b for b in document.body}
    return {
        "doc": document, "review": current, "open": review.is_open(current), "deadline":
            review.chinese_date(current.deadline) if current else "",
        "units": review.review_units(document, current), "comments": comments, "blocks": blocks,
        "unanswered": sum(1 for c in comments if not c.answer),
        "may_send": manage and access.may_edit(request.user, document),
        "may_answer": manage and document.status == DocumentStatus.DRAFT,
        "send_form": send_form or SendForm(initial={"days": review.review_days(document.office)}),
    }


@login_required
@require_GET
def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    document = _office_side(request, pk)
    return render(request, "documents/review/review.html", _review_context(request, document))


@login_required
@require_POST
def review_send(request: HttpRequest, pk: int) -> HttpResponse:
    document = _office_side(request, pk)
    if not access.may_edit(request.user, document):
        raise PermissionDenied(_("只有本督导室的工作人员可以就草稿征求意见。"))
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            sent = review.send_for_review(document, by=request.user, days=form.cleaned_data["days"],
                                          note=form.cleaned_data["note"])
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("已发送征求意见稿，各单位须于 %(day)s 前反馈。") % {
                "day": review.chinese_date(sent.deadline)})
            return redirect("documents:review", pk=document.pk)
    return render(request, "documents/review/review.html", _review_context(request, document, send_form=form),
                  status=400)


@login_required
@require_POST
def comment_answer(request: HttpRequest, pk: int, comment: int) -> HttpResponse:
    document = _office_side(request, pk)
    row = get_visible_or_404(ReviewComment.objects.filter(document=document), pk=comment)
    if not can_manage_office(request.user, document.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以答复意见。"))
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            review.answer_comment(row, by=request.user, answer=form.cleaned_data["answer"],
                                  explanation=form.cleaned_data["explanation"])
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("已答复。"))
            return redirect(f"{_review_url(document)}#c-{row.pk}")
    return render(request, "documents/review/review.html",
                  _review_context(request, document, answer_forms={row.pk: form}), status=400)


def _review_url(document: Document) -> str:
    from django.urls import reverse

    return reverse("documents:review", kwargs={"pk": document.pk})


def _history_context(document: Document) -> dict:
    from django.utils import timezone

    return {"doc": document, "rounds": review.history(document), "printed": review.chinese_date(timezone.localdate()),
            "blocks": {b.get("key"): b for b in document.body}}


@login_required
@require_GET
def review_print(request: HttpRequest, pk: int) -> HttpResponse:
    document = _office_side(request, pk)
    return render(request, "documents/review/print.html", {**_history_context(document), "screen": True})


@login_required
@require_GET
def review_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    document = _office_side(request, pk)
    pdf = core_documents.render_pdf("documents/review/print.html", _history_context(document))
    return download_response(pdf, f"征求意见记录-{document.title}.pdf", core_documents.PDF, inline=True)


# --- read receipts ----------------------------------------------------------------------------------------
@login_required
@require_GET
def receipts(request: HttpRequest, pk: int) -> HttpResponse:
    document = _office_side(request, pk)
    unread_only = request.GET.get("unread") == "1"
    data = review.receipts(document, unread_only=unread_only)
    return render(request, "documents/review/receipts.html", {
        "doc": document, "receipts": data, "unread_only": unread_only,
        "may_remind": can_manage_office(request.user, document.office) and document.is_issued
        and document.shared_at is not None and data.unread > 0,
        "reminded": review.reminded_today(document)})


@login_required
@require_POST
def receipts_remind(request: HttpRequest, pk: int) -> HttpResponse:
    document = _office_side(request, pk)
    if not can_manage_office(request.user, document.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以催阅。"))
    try:
        told = review.remind_unread(document, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if told:
            messages.success(request, _("已提醒未阅读单位的 %(n)s 个账号。") % {"n": told})
        else:
            messages.info(request, _("今天已经提醒过，或未阅读单位没有可通知的账号；每份公文每天只提醒一次。"))
    return redirect("documents:receipts", pk=document.pk)


# --- the office's default period ------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def review_settings(request: HttpRequest, office: int) -> HttpResponse:
    from dudao.regions.models import Office

    row = Office.objects.select_related("region").filter(pk=office).first()
    if row is None or not sees_office_details(request.user, row):
        raise Http404
    manage = can_manage_office(request.user, row)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(_("只有本督导室的工作人员可以修改征求意见期限。"))
        form = SettingsForm(request.POST)
        if form.is_valid():
            review.set_review_days(row, by=request.user, days=form.cleaned_data["days"])
            messages.success(request, _("已保存。"))
            return redirect("documents:review_settings", office=row.pk)
    else:
        form = SettingsForm(initial={"days": review.review_days(row)})
    return render(request, "documents/review/settings.html", {"office": row, "form": form, "manage": manage})
