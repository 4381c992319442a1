from django.urls import path

from nghiquyet.study import views

urlpatterns = [
    path("", views.study_home, name="study_home"),
    path("don-vi/<int:unit_id>/", views.study_unit, name="study_unit"),
    path("ke-hoach/tao/", views.plan_create_view, name="study_plan_create"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="study_plan"),
    path("ke-hoach/<int:pk>/sua/", views.plan_edit, name="study_plan_edit"),
    path("buoi/<int:pk>/", views.session_detail, name="study_session"),
    path("buoi/<int:pk>/hoc-bu/", views.session_makeup, name="study_makeup"),
    path("buoi/<int:pk>/sua/", views.session_edit, name="study_session_edit"),
    path("buoi/<int:pk>/xoa/", views.session_delete, name="study_session_delete"),
    path("bai-thu-hoach/cua-toi/", views.my_writeups, name="study_my_writeups"),
    path("bai-thu-hoach/<int:pk>/", views.writeup_detail, name="study_writeup"),
    path("bai-thu-hoach/<int:pk>/tep/", views.writeup_file, name="study_writeup_file"),
]
