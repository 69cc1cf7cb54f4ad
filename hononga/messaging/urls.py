from django.urls import path

from hononga.messaging import views

app_name = "messaging"

urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/test/", views.outbox_test, name="outbox_test"),
    path("outbox/<int:pk>/", views.outbox_message, name="message"),
    path("outbox/<int:pk>/html/", views.outbox_message_html, name="message_html"),
    path("text-status/", views.text_status, name="text_status"),
]
