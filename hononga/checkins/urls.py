from django.urls import path

from hononga.checkins import views

app_name = "checkins"

urlpatterns = [
    path("relationships/<int:pk>/check-ins/", views.relationship_view, name="relationship"),
    path("relationships/<int:pk>/check-ins/new/", views.start_view, name="start"),
    path("relationships/<int:pk>/check-ins/phone/", views.enter_view, name="enter"),
    path("relationships/<int:pk>/check-ins/mirror/", views.mirror_view, name="mirror"),
    path("relationships/<int:pk>/check-in-links/new/", views.link_create_view, name="link_new"),
    path("check-in-links/<int:pk>/send/", views.link_send_view, name="link_send"),
    path("check-in-links/<int:pk>/revoke/", views.link_revoke_view, name="link_revoke"),
    path("check-ins/<int:pk>/archive/", views.archive_view, name="archive"),
    path("check-ins/attention/", views.attention_view, name="attention"),
    path("check-ins/hand-over/", views.handover_view, name="handover"),
    path("check-ins/hand-over/done/", views.handover_done_view, name="handover_done"),
    path("check-ins/hand-over/leave/", views.handover_leave_view, name="handover_leave"),
    path("check-ins/thanks/", views.thanks_view, name="thanks"),
    path("check-ins/settings/", views.settings_view, name="settings"),
    path("check-ins/settings/re-flag/", views.reflag_view, name="reflag"),
    # The public one-time link: short, because people type it from a text message.
    path("c/<str:token>/", views.answer_view, name="answer"),
]
