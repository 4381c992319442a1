from django.urls import path

from nghiquyet.oversight import views

urlpatterns = [
    path("", views.home, name="oversight_home"),
    path("tao/", views.inspection_create_view, name="oversight_inspection_create"),
    path("<int:pk>/", views.inspection_detail, name="oversight_inspection"),
    path("<int:pk>/sua/", views.inspection_edit, name="oversight_inspection_edit"),
    path("<int:pk>/xoa/", views.inspection_delete_view, name="oversight_inspection_delete"),
    path("<int:pk>/ket-qua/", views.finding_add_view, name="oversight_finding_add"),
    path("ket-qua/<int:pk>/xoa/", views.finding_remove_view, name="oversight_finding_remove"),
    path("<int:pk>/ket-luan/", views.conclude_view, name="oversight_conclude"),
    path("<int:pk>/kien-nghi/", views.recommendation_add_view, name="oversight_recommendation_add"),
    path("kien-nghi/", views.recommendation_list, name="oversight_recommendations"),
    path("kien-nghi/<int:pk>/cap-nhat/", views.follow_up_view, name="oversight_follow_up"),
    path("kien-nghi/<int:pk>/ket-thuc/", views.close_view, name="oversight_close"),
    path("kien-nghi/<int:pk>/tra-lai/", views.reopen_view, name="oversight_reopen"),
    path("kien-nghi/<int:pk>/gia-han/", views.extend_view, name="oversight_extend"),
    path("chuong-trinh/", views.program_list, name="oversight_programs"),
    path("chuong-trinh/tao/", views.program_create_view, name="oversight_program_create"),
    path("chuong-trinh/<int:pk>/", views.program_detail, name="oversight_program"),
    path("chuong-trinh/noi-dung/<int:pk>/xoa/", views.planned_remove_view, name="oversight_planned_remove"),
]
