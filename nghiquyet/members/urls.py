from django.urls import path

from nghiquyet.members import views

urlpatterns = [
    path("don-vi/<int:unit_id>/", views.member_list, name="member_list"),
    path("don-vi/<int:unit_id>/them/", views.member_create, name="member_create"),
    path("don-vi/<int:unit_id>/chuyen-sinh-hoat/", views.member_transfer_many, name="member_transfer_many"),
    path("<int:member_id>/", views.member_detail, name="member_detail"),
    path("<int:member_id>/sua/", views.member_edit, name="member_edit"),
    path("<int:member_id>/thoi-sinh-hoat/", views.member_leave, name="member_leave"),
    path("<int:member_id>/chuyen-sinh-hoat/", views.member_transfer, name="member_transfer"),
]
