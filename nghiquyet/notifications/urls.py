from django.urls import path

from nghiquyet.notifications import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("chua-doc/", views.badge, name="notification_badge"),
    path("doc-het/", views.mark_all_read, name="notifications_read_all"),
    path("cai-dat/", views.settings_view, name="notification_settings"),
    path("<int:pk>/mo/", views.open_notification, name="notification_open"),
    path("<int:pk>/da-doc/", views.mark_read, name="notification_read"),
    path("<int:pk>/chua-doc/", views.mark_unread, name="notification_unread"),
]
