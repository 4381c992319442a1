from django.urls import path

from nghiquyet.documents import views

urlpatterns = [
    path("", views.register_list, name="register_list"),
    path("dang-ky/", views.register_create, name="register_create"),
    path("<int:pk>/", views.register_detail, name="register_detail"),
    path("<int:pk>/tai/", views.register_download, name="register_download"),
    path("tao/<int:pk>/", views.render_job_detail, name="render_job_detail"),
    path("tao/<int:pk>/tai/", views.render_job_download, name="render_job_download"),
]
