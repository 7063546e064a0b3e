"""Rate limits key on the address the trusted proxy saw, never on what the client claims."""

from site_config.ratelimit import client_ip


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


def test_allauth_trusts_the_same_number_of_proxies(settings):
    from django.conf import settings as live

    assert live.ALLAUTH_TRUSTED_PROXY_COUNT == live.TRUSTED_PROXY_COUNT
