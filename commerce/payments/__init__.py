"""Payment providers behind one small interface, chosen by ``settings.PAYMENT_PROVIDER``."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

PROVIDERS = {
    "stripe": "commerce.payments.stripe_provider.StripeProvider",
    "development": "commerce.payments.development.DevelopmentProvider",
}


def get_provider(name=None):
    name = name or settings.PAYMENT_PROVIDER
    try:
        return import_string(PROVIDERS[name])()
    except KeyError as exc:
        raise ImproperlyConfigured(f"Unknown PAYMENT_PROVIDER {name!r}") from exc
