from django.urls import path

from nghiquyet.audit import views

urlpatterns = [
    path("", views.audit_list, name="audit_list"),
]
