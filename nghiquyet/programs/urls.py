from django.urls import path

from nghiquyet.programs import views

urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("tao/", views.program_create_view, name="program_create"),
    path("viec-cua-toi/", views.my_tasks, name="my_tasks"),
    path("<int:pk>/", views.program_detail, name="program_detail"),
    path("<int:pk>/sua/", views.program_edit, name="program_edit"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("nhiem-vu/<int:pk>/sua/", views.task_edit, name="task_edit"),
    path("nhiem-vu/<int:pk>/dong/", views.task_row, name="task_row"),
    path("nhiem-vu/<int:pk>/tien-do/", views.task_progress, name="task_progress"),
    path("nhiem-vu/<int:pk>/lien-ket/", views.task_link, name="task_link"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence_download"),
]
