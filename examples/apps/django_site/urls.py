from __future__ import annotations

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.billing),
    path("sections", views.sections),
    # dist/ with the right headers; drop this when nginx or a CDN serves it (docs/hosting.md)
    path("stigg-portal/", include("stigg_portal.integrations.django.urls")),
]
