from django.urls import path

from nghiquyet.resolutions import views

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("them/", views.document_create_view, name="document_create"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/sua/", views.document_edit, name="document_edit"),
    path("<int:pk>/them-noi-dung/", views.item_add, name="item_add"),
    path("<int:pk>/lien-ket-noi-dung/", views.item_link, name="item_link"),
    path("<int:pk>/them-chi-tieu/", views.target_add, name="target_add"),
    path("<int:pk>/sao-chep-chi-tieu/", views.copy_down, name="copy_down"),
    path("chi-tieu/<int:pk>/", views.target_detail, name="target_detail"),
    path("chi-tieu/<int:pk>/sua/", views.target_edit, name="target_edit"),
    path("chi-tieu/<int:pk>/lien-ket/", views.target_link, name="target_link"),
    path("lien-ket/<int:pk>/bo/", views.alignment_remove, name="alignment_remove"),
    path("<int:pk>/dinh-kem/", views.attachment_upload, name="attachment_upload"),
    path("dinh-kem/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("dinh-kem/<int:pk>/xoa/", views.attachment_remove, name="attachment_remove"),
    path("nhiem-ky/", views.terms_index, name="terms_index"),
    path("nhiem-ky/<int:unit_id>/", views.terms_view, name="terms"),
    path("nhiem-ky/dai-hoi/<int:term_id>/", views.congress_edit, name="congress_edit"),
    path("bao-phu/<int:unit_id>/", views.coverage_view, name="coverage"),
    path("dieu-chinh/", views.adjustment_list, name="adjustment_list"),
    path("dieu-chinh/<int:pk>/", views.adjustment_detail, name="adjustment_detail"),
    path("chi-tieu/<int:pk>/de-xuat-dieu-chinh/", views.adjustment_propose, name="adjustment_propose"),
    path("dieu-chinh/<int:pk>/quyet-dinh/", views.adjustment_decide, name="adjustment_decide"),
    path("dieu-chinh/<int:pk>/rut/", views.adjustment_withdraw_view, name="adjustment_withdraw"),
]
