from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path, reverse_lazy
from django.views.decorators.cache import never_cache

from agencies import forms as agency_forms
from agencies import reset_views
from agencies import views as agency_views
from concerns import alert_views
from concerns import public as concerns_public
from concerns import track as concerns_track
from concerns import updates_views as concerns_updates
from reports.recommendations import public as reports_public
from reports.recommendations import review_views
from reports.recommendations import views as recommendation_views


@never_cache
def health(request):
    """For load balancers: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


admin.site.site_header = "Local quality system administration"
admin.site.site_title = "Local quality system"

accounts = [
    path("sign-in/", agency_views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("signed-out/", agency_views.signed_out, name="signed-out"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            form_class=agency_forms.GovPasswordChangeForm,
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        reset_views.PasswordResetView.as_view(
            form_class=agency_forms.GovPasswordResetForm,
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        agency_views.SetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", agency_views.home, name="home"),
    path("healthz", health, name="health"),
    path("accounts/", include(accounts)),
    path("inbox/", agency_views.inbox, name="inbox"),
    path("inbox/read/", agency_views.inbox_mark_read, name="inbox-read"),
    path("accounts/notifications/", agency_views.notification_settings, name="notification-settings"),
    path(
        "respond/alerts/<int:alert_id>/<int:recipient_id>/<str:token>/",
        never_cache(alert_views.respond_by_link),  # pages for one recipient: not kept by browsers
        name="alert-respond",
    ),
    path(
        "respond/recommendations/<int:recommendation_id>/<str:token>/",
        never_cache(recommendation_views.respond_by_link),
        name="recommendation-respond",
    ),
    path(
        "respond/evidence/<int:request_id>/<str:token>/",
        never_cache(review_views.evidence_by_link),
        name="evidence-answer",
    ),
    path("public/<slug:slug>/", reports_public.reports, name="public-reports"),
    path("public/<slug:slug>/reports/<int:pk>/", reports_public.report, name="public-report"),
    path("public/<slug:slug>/feed/", reports_public.PublicationsFeed(), name="public-feed"),
    path("public/<slug:slug>/what-people-told-us/", concerns_public.told_us, name="public-told-us"),
    path("share/<slug:slug>/", concerns_public.share, name="share"),
    path("share/<slug:slug>/thank-you/", concerns_public.thanks, name="share-thanks"),
    path("track/", concerns_track.lookup, name="public-track"),
    path("track/<str:reference>/", concerns_track.trail_page, name="public-track-reference"),
    # From the emails people get about their experience; pages for one person: not kept by browsers.
    path("updates/stop/<str:token>/", never_cache(concerns_updates.stop), name="people-updates-stop"),
    path(
        "updates/stop/<str:token>/one-click/",
        never_cache(concerns_updates.stop_one_click),
        name="people-updates-one-click",
    ),
    path(
        "updates/follow-up/<int:pk>/<str:token>/",
        never_cache(concerns_updates.follow_up),
        name="people-follow-up",
    ),
    path("bodies/", include("reports.bodies.urls")),
    path("areas/<slug:slug>/", include("agencies.urls")),
    path("areas/<slug:slug>/", include("concerns.urls")),
    path("areas/<slug:slug>/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
