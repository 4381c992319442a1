from django.urls import path

from nghiquyet.programs import views

urlpatterns = [
    path("viec-cua-toi/", views.my_tasks, name="my_tasks"),
]
