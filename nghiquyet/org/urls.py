from django.urls import path

from nghiquyet.org import views

urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("<int:unit_id>/truc-thuoc/", views.unit_children, name="unit_children"),
    path("<int:unit_id>/sap-xep/", views.unit_reorganize, name="unit_reorganize"),
    path("<int:unit_id>/sua/", views.unit_edit, name="unit_edit"),
]
