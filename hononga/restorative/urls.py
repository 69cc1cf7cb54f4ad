from django.urls import URLPattern, URLResolver, path

from hononga.restorative import views

app_name = "restorative"

urlpatterns: list[URLPattern | URLResolver] = [
    path("processes/", views.process_list_view, name="list"),
    path("processes/<int:pk>/", views.process_detail_view, name="process"),
    path("processes/<int:pk>/transition/", views.transition_view, name="transition"),
    path(
        "processes/<int:pk>/participants/new/", views.participant_add_view, name="participant_add"
    ),
    path("processes/<int:pk>/safety/", views.safety_view, name="safety"),
    path("processes/<int:pk>/conference/", views.conference_view, name="conference"),
    path("processes/<int:pk>/conference/date/", views.conference_date_view, name="conference_date"),
    path("processes/<int:pk>/conference/stage/", views.fgc_stage_view, name="fgc_stage"),
    path("processes/<int:pk>/agreement/new/", views.item_add_view, name="item_add"),
    path("processes/<int:pk>/agreement.pdf", views.agreement_pdf_view, name="agreement_pdf"),
    path("processes/<int:pk>/follow-ups/new/", views.follow_up_add_view, name="follow_up_add"),
    path("processes/<int:pk>/facilitator/", views.reassign_view, name="reassign"),
    path("participants/<int:pk>/", views.preparation_view, name="preparation"),
    path("participants/<int:pk>/remove/", views.participant_remove_view, name="participant_remove"),
    path("agreement-items/<int:pk>/", views.item_view, name="item"),
    path("follow-ups/<int:pk>/", views.follow_up_view, name="follow_up"),
    path("whanau/<int:whanau_pk>/harms/new/", views.harm_create_view, name="harm_create"),
    path("harms/<int:pk>/", views.harm_detail_view, name="harm"),
    path("harms/<int:pk>/edit/", views.harm_edit_view, name="harm_edit"),
    path("harms/<int:pk>/refer/", views.refer_view, name="refer"),
    path("facilitator-credentials/", views.credentials_view, name="credentials"),
    path("facilitator-credentials/<int:pk>/", views.credential_view, name="credential"),
    path("facilitator-credentials/<int:pk>/end/", views.credential_end_view, name="credential_end"),
    path(
        "facilitators/<int:user_pk>/processes/",
        views.facilitator_processes_view,
        name="facilitator_processes",
    ),
]
