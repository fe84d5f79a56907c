from django.urls import path

from dudao.documents import views, views_review

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/", views.create, name="create"),
    path("templates/", views.template_list, name="templates"),
    path("templates/copy/", views.template_copy, name="template_copy"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/reset/", views.template_reset, name="template_reset"),
    path("series/", views.series, name="series"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/draft.pdf", views.draft_pdf, name="draft_pdf"),
    path("<int:pk>/v<int:version>/<str:fmt>/", views.version_file, name="version_file"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/return/", views.return_draft, name="return"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/share/", views.share, name="share"),
    # draft review and units' inbox
    path("inbox/", views_review.inbox, name="inbox"),
    path("<int:pk>/read/", views_review.inbox_document, name="inbox_document"),
    path("<int:pk>/read/download/", views_review.inbox_download, name="inbox_download"),
    path("<int:pk>/read/comment/", views_review.comment_add, name="comment_add"),
    path("<int:pk>/review/", views_review.review_page, name="review"),
    path("<int:pk>/review/send/", views_review.review_send, name="review_send"),
    path("<int:pk>/review/comments/<int:comment>/answer/", views_review.comment_answer, name="comment_answer"),
    path("<int:pk>/review/print/", views_review.review_print, name="review_print"),
    path("<int:pk>/review/pdf/", views_review.review_pdf, name="review_pdf"),
    path("<int:pk>/receipts/", views_review.receipts, name="receipts"),
    path("<int:pk>/receipts/remind/", views_review.receipts_remind, name="receipts_remind"),
    path("review-settings/<int:office>/", views_review.review_settings, name="review_settings"),
]
