"""One module per element: models -> template context. Importing this package registers them."""

from importlib import import_module

#: View modules, in the order their elements appear in the portal.
VIEW_MODULES = (
    "subscription_overview",
    "usage",
    "addons",
    "promotions",
    "payment_details",
    "invoices",
    "paywall",
    "provider",
    "customer_portal",
)

for _name in VIEW_MODULES:
    try:
        import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:  # a section not written yet must not break the others
        if exc.name != f"{__name__}.{_name}":
            raise
