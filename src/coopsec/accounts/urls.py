from django.urls import path

from coopsec.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("2fa/setup/", views.totp_setup, name="2fa-setup"),
    path("2fa/verify/", views.totp_verify, name="2fa-verify"),
    path("2fa/disable/", views.totp_disable, name="2fa-disable"),
]
