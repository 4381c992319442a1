from django.urls import path

from nghiquyet.accounts import views

urlpatterns = [
    path("ma-truy-cap/", views.tokens, name="tokens"),
    path("ma-truy-cap/<int:token_id>/thu-hoi/", views.token_revoke, name="token_revoke"),
    path("don-vi/<int:unit_id>/can-bo/", views.unit_people, name="unit_people"),
    path("don-vi/<int:unit_id>/can-bo/them/", views.unit_person_create, name="unit_person_create"),
    path("can-bo/<int:person_id>/", views.person_detail, name="person_detail"),
    path("can-bo/<int:person_id>/sua/", views.person_edit, name="person_edit"),
    path("can-bo/<int:person_id>/tai-khoan/", views.person_account, name="person_account"),
    path("can-bo/<int:person_id>/vai-tro/", views.person_role_assign, name="person_role_assign"),
    path("vai-tro/<int:assignment_id>/thu-hoi/", views.role_revoke_view, name="role_revoke"),
]
