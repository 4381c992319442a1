from django.urls import path

from nghiquyet.resolutions import views

urlpatterns = [
    path("", views.document_list, name="document_list"),
]
