from django.urls import path

from ewtp.core.api import views

urlpatterns = [
    path("me/", views.WhoAmIApi.as_view(), name="api-me"),
]
