from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from nghiquyet.accounts import views as account_views
from nghiquyet.api.api import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path("dang-nhap/", account_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("ngon-ngu/", set_language, name="set_language"),
    path("don-vi/", include("nghiquyet.org.urls")),
    path("nhat-ky/", include("nghiquyet.audit.urls")),
    path("nghi-quyet/", include("nghiquyet.resolutions.urls")),
    path("chuong-trinh/", include("nghiquyet.programs.urls")),
    path("bao-cao/", include("nghiquyet.reporting.urls")),
    path("tai-khoan/", include("nghiquyet.accounts.urls")),
    path("dang-vien/", include("nghiquyet.members.urls")),
    path("hoc-tap/", include("nghiquyet.study.urls")),
    path("kiem-tra/", include("nghiquyet.oversight.urls")),
    path("thong-bao/", include("nghiquyet.notifications.urls")),
    path("giao-ban/", include("nghiquyet.briefings.urls")),
    path("van-ban/", include("nghiquyet.documents.urls")),
    path("so-ket/", include("nghiquyet.reviews.urls")),
    path("api/v1/", api.urls),
]

# No MEDIA serving here, not even with DEBUG: evidence files are private to the task's readers and go through
# the scoped download view (programs.views.evidence_download).

handler404 = "nghiquyet.core.views.not_found"
handler403 = "nghiquyet.core.views.forbidden"
handler500 = "nghiquyet.core.views.server_error"
