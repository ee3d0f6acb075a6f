import re

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from campaigns import urls as campaigns_urls
from config.metrics import metrics
from config.views import api_token_issue, healthz, home_for_role, livez
from config.views_two_factor import ThrottledPasswordResetView, two_factor
from core.forms import LoginForm
from maps.ogc import errors as ogc_errors

# One login for the site and the admin: password, then the second factor's code if on.
login_view = auth_views.LoginView.as_view(authentication_form=LoginForm)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("metrics", metrics, name="metrics"),
    path("favicon.ico", RedirectView.as_view(url="/static/maps/favicon.svg", permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", login_view, name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/auth/token/", api_token_issue, name="api-token-issue"),
    path("api/v1/", include("stations.urls_api")),
    path("api/v1/", include("campaigns.urls_api")),
    path("api/v1/", include("welfare.urls_api")),
    path("api/v1/", include("supervision.urls_api")),
    path("api/v1/", include("maps.urls_api")),
    path("ogc/", include("maps.urls_ogc")),
    # Any other address under /ogc/ is a 404 in the format asked for, in DEBUG too.
    re_path(r"^ogc/", ogc_errors.not_found, name="ogc-not-found"),
    path("accounts/home/", home_for_role, name="home-for-role"),
    path("accounts/login/", login_view, name="login"),
    path("accounts/two-factor/", two_factor, name="two-factor"),
    path("accounts/password_reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("", include((campaigns_urls.vouchers_urlpatterns, "campaigns-vouchers"))),
    path("", include("welfare.urls")),
    path("", include("supervision.urls")),
    path("", include("stations.urls")),
    path("", include("maps.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif settings.SERVE_PUBLIC_MEDIA and settings.PUBLIC_MEDIA_PREFIXES:
    # make serve without a web server in front: only the public folders of MEDIA_ROOT.
    # Private files (imports, evidence, reports' photos) are served by the view that checks
    # the user's scope, never from here.
    _public = "|".join(
        re.escape(prefix.strip("/") + "/") for prefix in settings.PUBLIC_MEDIA_PREFIXES
    )
    urlpatterns += [
        re_path(rf"^media/(?P<path>(?:{_public})(?!.*\.\.).+)$", serve,
                {"document_root": settings.MEDIA_ROOT}),
    ]  # fmt: skip

handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
