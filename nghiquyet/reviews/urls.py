from django.urls import path, re_path

from nghiquyet.reviews import views

urlpatterns = [
    path("", views.campaign_list, name="review_campaign_list"),
    path("mo-dot/", views.campaign_create, name="review_campaign_create"),
    path("<int:pk>/", views.campaign_detail, name="review_campaign"),
    path("<int:pk>/sua/", views.campaign_edit, name="review_campaign_edit"),
    path("<int:pk>/ket-thuc/", views.campaign_close, name="review_campaign_close"),
    path("<int:campaign_pk>/don-vi/<int:unit_pk>/", views.unit_report, name="review_unit_report"),
    path("bao-cao/<int:pk>/", views.report_by_id, name="review_report"),
    path("bao-cao/<int:pk>/quyet-dinh/", views.report_decide, name="review_report_decide"),
    re_path(r"^bao-cao/(?P<pk>[0-9]+)/(?P<fmt>docx|pdf|xlsx)/$", views.report_download,
            name="review_report_download"),
    path("viec-can-lam/<int:unit_id>/", views.todos_fragment, name="review_todos"),
]
