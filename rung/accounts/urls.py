from django.contrib.auth import views as auth_views
from django.urls import path

from rung.accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("settings/", views.settings_view, name="settings"),
    path("settings/email/", views.change_email, name="change_email"),
    path("settings/email/confirm/<str:token>/", views.confirm_email_change, name="confirm_email_change"),
    path("settings/tokens/", views.create_token, name="create_token"),
    path("settings/tokens/<uuid:token_uuid>/revoke/", views.revoke_token, name="revoke_token"),
    path("settings/log-out-everywhere/", views.log_out_everywhere, name="log_out_everywhere"),
    path("settings/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
