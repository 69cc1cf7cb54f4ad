from django.urls import path

from hononga.goals import views

app_name = "goals"

urlpatterns = [
    path("whanau/<int:pk>/goals/new/", views.goal_new_view, name="new"),
    path("whanau/<int:pk>/goals/rate/", views.rate_view, name="rate"),
    path("whanau/<int:pk>/goals/hand-over/", views.handover_start_view, name="handover_start"),
    path("goals/hand-over/", views.handover_view, name="handover"),
    path("goals/hand-over/done/", views.handover_done_view, name="handover_done"),
    path("goals/hand-over/leave/", views.handover_leave_view, name="handover_leave"),
    path("whanau/<int:pk>/goal-links/new/", views.link_new_view, name="link_new"),
    path("goal-links/<int:pk>/send/", views.link_send_view, name="link_send"),
    path("goal-links/<int:pk>/revoke/", views.link_revoke_view, name="link_revoke"),
    path("goals/<int:pk>/", views.goal_detail_view, name="detail"),
    path("goals/<int:pk>/edit/", views.goal_edit_view, name="edit"),
    path("goals/<int:pk>/change/", views.goal_change_view, name="change"),
    path("goals/<int:pk>/close/", views.goal_close_view, name="close"),
    path("goals/<int:pk>/steps/", views.step_add_view, name="step_add"),
    path("goal-steps/<int:pk>/", views.step_toggle_view, name="step_toggle"),
    path("goals/thanks/", views.thanks_view, name="thanks"),
    path("goals/learning/", views.learning_view, name="learning"),
    # The public one-time link, short like the check-in's.
    path("g/<str:token>/", views.answer_view, name="answer"),
]
