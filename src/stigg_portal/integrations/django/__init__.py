"""Django: template tags, a view serving ``dist/``, configured by ``settings.STIGG_PORTAL``.

settings.py::

    INSTALLED_APPS = [..., "stigg_portal.integrations.django"]
    STIGG_PORTAL = {
        "API_KEY": "pk_...",                            # publishable key, goes into the page
        "SIGNING_SECRET": os.environ["STIGG_SIGNING_SECRET"],  # signs customer tokens, never sent
        "DIST_URL": "/stigg-portal/",                   # where dist/ is served (or a CDN URL)
        "DIST_DIR": BASE_DIR / "dist",                  # for the view below
    }

urls.py (skip it when a web server or CDN serves ``dist/``)::

    path("stigg-portal/", include("stigg_portal.integrations.django.urls")),

a template::

    {% load stigg_portal %}
    <head>{% stigg_portal_script %}</head>
    {% stigg_portal_element "stigg-customer-portal" customer_id=user.stigg_customer_id %}
"""
