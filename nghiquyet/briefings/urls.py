from django.urls import path

from nghiquyet.briefings import views

urlpatterns = [
    path("", views.briefing_home, name="briefing_home"),
    path("<int:unit_id>/", views.briefing, name="briefing"),
    path("<int:unit_id>/pdf/", views.briefing_pdf, name="briefing_pdf"),
]
