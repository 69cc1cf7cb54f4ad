from django.urls import path

from hononga.privacy import officer_views, retention_views, space_views, views

app_name = "privacy"

urlpatterns = [
    # The whānau space (whānau members; no staff login).
    path("whanau-space/", space_views.sign_in_view, name="space_sign_in"),
    path("whanau-space/code/", space_views.code_view, name="space_code"),
    path("whanau-space/sign-out/", space_views.sign_out_view, name="space_sign_out"),
    path("whanau-space/home/", space_views.home_view, name="space_home"),
    path("whanau-space/check-ins/", space_views.checkins_view, name="space_checkins"),
    path(
        "whanau-space/agreements/<int:participant_id>.pdf",
        space_views.agreement_pdf_view,
        name="space_agreement_pdf",
    ),
    path(
        "whanau-space/not-right/<str:record_type>/<int:record_id>/",
        space_views.correct_view,
        name="space_correct",
    ),
    path("whanau-space/requests/<int:pk>/", space_views.asked_view, name="space_asked"),
    # Staff.
    path("people/<int:pk>/whanau-space/", views.space_preview_view, name="space_preview"),
    path("people/<int:pk>/whanau-space/open/", views.space_open_view, name="space_open"),
    path("people/<int:pk>/whanau-space/close/", views.space_close_view, name="space_close"),
    path("people/<int:pk>/whanau-space/withhold/", views.withhold_view, name="withhold"),
    path("withheld/<int:pk>/share/", views.share_again_view, name="share_again"),
    path("corrections/", views.corrections_view, name="corrections"),
    path("corrections/<int:pk>/", views.correction_view, name="correction"),
    # Privacy officer.
    path("privacy/exports/", officer_views.exports_view, name="exports"),
    path("privacy/exports/new/", officer_views.export_new_view, name="export_new"),
    path("privacy/exports/<int:pk>/", officer_views.export_view, name="export"),
    path(
        "privacy/exports/<int:pk>/export.<str:fmt>",
        officer_views.export_download_view,
        name="export_download",
    ),
    path("privacy/retention/", retention_views.retention_view, name="retention"),
    path("privacy/holds/<int:pk>/lift/", retention_views.hold_lift_view, name="hold_lift"),
    path(
        "privacy/exports/<int:pk>/released/",
        officer_views.export_released_view,
        name="export_released",
    ),
]
