from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("post/<int:page_id>/", views.post_comment, name="post"),
    path("token/", views.form_token, name="token"),
    path("reply/<int:comment_id>/", views.reply_form, name="reply"),
    path("privacy/", views.privacy, name="privacy"),
]
