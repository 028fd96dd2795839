"""Top-level URL map: the plan pages, accounts and the admin."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "sapsmed administration"
admin.site.site_title = "sapsmed"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("sapsmed.accounts.urls")),
    path("jobs/", include("sapsmed.jobs.urls")),
    path("api/", include("sapsmed.api.urls")),
    path("", include("sapsmed.pages.urls")),
    path("reviews/", include("sapsmed.reviews.urls")),
    path("kpis/", include("sapsmed.kpis.urls")),
    path("progress/", include("sapsmed.progress.urls")),
    path("evidence/", include("sapsmed.surveys.urls")),
    path("", include("sapsmed.plan.urls")),
]

handler400 = "config.errors.bad_request"
handler404 = "config.errors.not_found"
handler403 = "config.errors.forbidden"
handler500 = "config.errors.server_error"
