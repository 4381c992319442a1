from django.urls import path

from nghiquyet.accounts import views

urlpatterns = [
    path("ma-truy-cap/", views.tokens, name="tokens"),
    path("ma-truy-cap/<int:token_id>/thu-hoi/", views.token_revoke, name="token_revoke"),
]
