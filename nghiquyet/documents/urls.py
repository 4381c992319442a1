from django.urls import path

from nghiquyet.documents import views

urlpatterns = [
    path("", views.register_list, name="register_list"),
    path("dang-ky/", views.register_create, name="register_create"),
    path("<int:pk>/", views.register_detail, name="register_detail"),
    path("so-se-cap/", views.register_preview, name="register_preview"),
    path("<int:pk>/sua/", views.register_edit, name="register_edit"),
    path("<int:pk>/thu-hoi/", views.register_void, name="register_void"),
    path("<int:pk>/tai/", views.register_download, name="register_download"),
    path("tao/<int:pk>/", views.render_job_detail, name="render_job_detail"),
    path("tao/<int:pk>/tai/", views.render_job_download, name="render_job_download"),
]
