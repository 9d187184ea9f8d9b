"""The exporters' portal shell: sign-in, layout and the dashboard. Apps add their own pages."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from ewtp.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="portal/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    # Django's LogoutView accepts POST only, so a link or a prefetch cannot sign anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("marketplace/", include("marketplace.portal.urls")),
    path("", include("logistics.portal.urls")),
]
