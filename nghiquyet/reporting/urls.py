from django.urls import path

from nghiquyet.reporting import dashboards, views

urlpatterns = [
    # reporting and approval (views.py)
    path("", views.reporting_home, name="reporting_home"),
    path("don-vi/<int:unit_id>/", views.unit_reports, name="unit_reports"),
    path("don-vi/<int:unit_id>/nhap/<int:schedule_id>/<str:period>/", views.entry, name="report_entry"),
    path("bao-cao/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("bao-cao/<int:pk>/duyet/", views.submission_decide, name="submission_decide"),
    path("canh-bao/<int:pk>/giai-trinh/", views.flag_explain_view, name="flag_explain"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="value_evidence_download"),
    path("minh-chung/<int:pk>/xoa/", views.evidence_delete, name="value_evidence_delete"),
    path("lich/don-vi/<int:unit_id>/", views.schedule_list, name="schedule_list"),
    path("lich/don-vi/<int:unit_id>/tao/", views.schedule_create_view, name="schedule_create"),
    path("lich/<int:pk>/sua/", views.schedule_edit, name="schedule_edit"),
    # dashboards and completeness (dashboards.py)
    path("bang-dieu-khien/<int:unit_id>/", dashboards.dashboard, name="report_dashboard"),
    path("bang-dieu-khien/<int:unit_id>/chi-tieu/<int:target_id>/", dashboards.target_detail,
         name="report_target"),
    path("tien-do-nop/<int:unit_id>/", dashboards.completeness_view, name="report_completeness"),
]
