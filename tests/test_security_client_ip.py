"""Rate limits key on the address the trusted proxy saw, never on what the client claims.

One setting, ``TRUSTED_PROXY_COUNT``, feeds both rate-limit mechanisms: allauth's (accounts)
and django-ratelimit's (every other form), through ``site_config.ratelimit.client_ip``.
"""

import pytest
from allauth.account.adapter import get_adapter
from django.conf import settings as live_settings
from django.core.cache import cache
from django.urls import reverse
from django_ratelimit.core import is_ratelimited

import site_config.ratelimit
from site_config.ratelimit import client_ip

SUBSCRIBE_URL = reverse("cms_pages:newsletter_subscribe")


@pytest.fixture(autouse=True)
def empty_rate_limit_counters():
    cache.clear()
    yield
    cache.clear()


def test_without_a_trusted_proxy_the_socket_address_counts(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4", REMOTE_ADDR="10.0.0.9")
    assert client_ip(request) == "10.0.0.9"


def test_behind_one_proxy_the_right_most_entry_counts(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "1.2.3.4" itself; Heroku's router appended the real address.
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7", REMOTE_ADDR="10.0.0.9")
    assert client_ip(request) == "203.0.113.7"


def test_a_short_header_falls_back_to_its_first_entry(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.9")
    assert client_ip(request) == "203.0.113.7"


def test_an_entry_that_is_not_an_address_falls_back_to_the_socket_address(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR="not-an-ip", REMOTE_ADDR="10.0.0.9")
    assert client_ip(request) == "10.0.0.9"


def test_allauth_trusts_the_same_number_of_proxies():
    assert live_settings.ALLAUTH_TRUSTED_PROXY_COUNT == live_settings.TRUSTED_PROXY_COUNT


@pytest.mark.parametrize("proxies", [0, 1, 2])
def test_allauth_and_django_ratelimit_see_the_same_client(rf, settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    request = rf.get(
        "/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.2, 203.0.113.7", REMOTE_ADDR="10.0.0.9"
    )
    assert get_adapter(request).get_client_ip(request) == client_ip(request)


def test_django_ratelimit_reads_the_client_address_from_client_ip():
    assert live_settings.RATELIMIT_IP_META_KEY == "site_config.ratelimit.client_ip"


def test_the_hand_written_limiter_is_gone():
    assert not hasattr(site_config.ratelimit, "allow")


def test_a_spoofed_forwarded_for_does_not_reset_the_form_limit(client, settings, db):
    settings.TRUSTED_PROXY_COUNT = 1
    statuses = [
        client.post(
            SUBSCRIBE_URL,
            {"email": f"reader{i}@example.com", "source": "footer"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 203.0.113.7",
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429


def test_each_real_client_has_its_own_form_limit(client, settings, db):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(10):
        client.post(
            SUBSCRIBE_URL,
            {"email": f"reader{i}@example.com", "source": "footer"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    response = client.post(
        SUBSCRIBE_URL,
        {"email": "other@example.com", "source": "footer"},
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert response.status_code == 302


def test_django_ratelimit_ip_key_counts_the_trusted_address(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    def probe(forwarded_for):
        request = rf.post("/", HTTP_X_FORWARDED_FOR=forwarded_for, REMOTE_ADDR="10.0.0.9")
        return is_ratelimited(request, group="probe", key="ip", rate="2/m", increment=True)

    # Two clients behind the same router: each has its own count.
    assert [probe("203.0.113.7"), probe("203.0.113.8")] == [False, False]
    assert [probe("1.1.1.1, 203.0.113.7"), probe("2.2.2.2, 203.0.113.7")] == [False, True]
