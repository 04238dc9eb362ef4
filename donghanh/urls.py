from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from donghanh.accounts import views as accounts_views
from donghanh.core import views as core_views
from donghanh.public import views as public_views

admin.site.site_header = "Đồng Hành"
admin.site.site_title = "Đồng Hành"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", public_views.robots_txt, name="robots_txt"),
    path("i18n/language/", accounts_views.set_language, name="set_language"),
    # The admin signs in through the platform's own login, which enforces lockout and 2FA.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
    path("app/", include("donghanh.accounts.urls")),
    path("app/", include("donghanh.workspace.urls")),
    path("api/", include("donghanh.api.urls")),
    path("app/o/<slug:org>/people/", include("donghanh.people.urls")),
    path("app/o/<slug:org>/cases/", include("donghanh.cases.urls")),
    path("app/o/<slug:org>/privacy/", include("donghanh.privacy.urls")),
    path("app/o/<slug:org>/casework/", include("donghanh.casework.urls")),
    path("app/o/<slug:org>/referrals/", include("donghanh.referrals.urls")),
    path("app/o/<slug:org>/files/", include("donghanh.attachments.urls")),
    path("app/o/<slug:org>/livelihood/", include("donghanh.livelihood.urls")),
    path("app/o/<slug:org>/files/exports/", include("donghanh.cases.export_urls")),
    path("app/o/<slug:org>/programmes/", include("donghanh.programmes.urls")),
    path("app/o/<slug:org>/imports/", include("donghanh.imports.urls")),
    path("app/o/<slug:org>/duplicates/", include("donghanh.duplicates.urls")),
    path("app/o/<slug:org>/field/", include("donghanh.fieldwork.urls")),
    path("app/o/<slug:org>/programmes/<int:project_id>/", include("donghanh.indicators.urls")),
    path("app/directory/", include("donghanh.directory.urls")),
    path("app/content/", include("donghanh.content.urls")),
    path("app/o/<slug:org>/", include("donghanh.organisations.urls")),
    path("app/invitations/", include("donghanh.organisations.invitation_urls")),
    path("app/places/", include("donghanh.places.urls")),
    path("app/jobs/", include("donghanh.jobs.urls")),
]

# The public pages, in Vietnamese at / and in English at /en/: the address carries the language,
# so switching is a plain link and public pages set no cookie (donghanh/core/middleware.py).
urlpatterns += i18n_patterns(
    path("", include("donghanh.content.public_urls")),
    path("", include("donghanh.content.search_urls")),
    path("", include("donghanh.public.urls")),
    prefix_default_language=False,
)
