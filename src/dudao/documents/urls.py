from django.urls import path

from dudao.documents import views_review

app_name = "documents"

urlpatterns: list = [
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
