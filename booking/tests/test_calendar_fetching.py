"""Fetching ICS feeds from a local HTTP server the tests start: validators and 304, the size
limit, the deadline, HTTP errors, redirects, and the SSRF guard (addresses checked after DNS,
the connection made to the checked address, loopback refused in production)."""

import datetime
import ipaddress
import socket
import ssl

import pytest
from django.core.exceptions import ValidationError

from booking.calendars import fetching
from booking.calendars.fetching import FeedError, address_allowed, fetch_feed, normalise_feed_url
from tests.support.ics_server import FeedServer

FEED = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def server():
    with FeedServer() as running:
        yield running


@pytest.fixture
def production(settings):
    settings.CALENDAR_FEEDS_ALLOW_LOOPBACK = False
    return settings


def test_a_feed_is_downloaded_with_its_validators(server):
    url = server.serve("/cal.ics", FEED, etag='"v1"', headers={"Last-Modified": "Tue, 01 Dec"})
    download = fetch_feed(url)
    assert download.body == FEED
    assert download.etag == '"v1"'
    assert download.last_modified == "Tue, 01 Dec"
    assert server.requests[0]["headers"]["Host"] == f"127.0.0.1:{server.port}"


def test_the_validators_are_sent_back_and_304_means_unchanged(server):
    url = server.serve("/cal.ics", FEED, etag='"v1"')
    download = fetch_feed(url, etag='"v1"', last_modified="Tue, 01 Dec 2026 08:00:00 GMT")
    assert download.body is None and download.etag == '"v1"'
    sent = server.requests[0]["headers"]
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Tue, 01 Dec 2026 08:00:00 GMT"


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "streamed"])
def test_a_feed_over_the_size_limit_is_abandoned(server, settings, declared):
    settings.CALENDAR_FEEDS_MAX_BYTES = 100_000
    url = server.serve("/big.ics", FEED + b"X" * 300_000, content_length=declared)
    with pytest.raises(FeedError, match="larger than"):
        fetch_feed(url)


def test_a_server_that_does_not_answer_in_time_is_abandoned(server, settings):
    settings.CALENDAR_FEEDS_TIMEOUT_SECONDS = 0.3
    url = server.serve("/slow.ics", FEED, delay=2)
    with pytest.raises(FeedError, match=r"did not answer within 0\.3 seconds"):
        fetch_feed(url)


@pytest.mark.parametrize(
    ("status", "words"),
    [(404, "no calendar at this address"), (403, "refused access"), (500, "HTTP 500")],
)
def test_http_errors_say_what_happened(server, status, words):
    url = server.serve("/cal.ics", b"nope", status=status)
    with pytest.raises(FeedError, match=words):
        fetch_feed(url)


def test_redirects_are_followed_and_checked_again(server):
    target = server.serve("/real.ics", FEED)
    first = server.serve("/old.ics", status=301, headers={"Location": "/real.ics"})
    assert fetch_feed(first).body == FEED
    assert target.endswith("/real.ics")


@pytest.mark.parametrize(
    "location",
    ["file:///etc/passwd", "http://10.0.0.7/cal.ics", "http://169.254.169.254/latest/meta-data/"],
)
def test_redirects_to_other_schemes_or_private_addresses_are_refused(server, location):
    url = server.serve("/cal.ics", status=302, headers={"Location": location})
    with pytest.raises(FeedError, match="redirected to an address Petit Talk does not read"):
        fetch_feed(url)


def test_endless_redirects_stop(server):
    url = server.serve("/loop.ics", status=307, headers={"Location": "/loop.ics"})
    with pytest.raises(FeedError, match="more than 3 times"):
        fetch_feed(url)
    assert len(server.requests) == fetching.MAX_REDIRECTS + 1


def test_loopback_is_refused_in_production_even_by_name(server, production):
    server.serve("/cal.ics", FEED)
    for url in (server.url("/cal.ics"), server.url("/cal.ics", host="localhost")):
        with pytest.raises(FeedError, match="private or local network"):
            fetch_feed(url)
    assert server.requests == []


def test_every_resolved_address_must_be_public(monkeypatch, production):
    answers = [("93.184.215.14", 443), ("10.1.2.3", 443)]
    monkeypatch.setattr(
        fetching.socket,
        "getaddrinfo",
        lambda *args, **kwargs: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", a) for a in answers],
    )
    with pytest.raises(FeedError, match="private or local network"):
        fetch_feed("https://mixed.example.org/cal.ics")


def test_the_connection_goes_to_the_checked_address_under_the_servers_name(server, monkeypatch):
    """DNS rebinding: the name is resolved once, checked, and that address is used; the
    server still sees its own name in the Host header."""
    url = server.serve("/cal.ics", FEED)
    lookups = []

    def resolve(host, port, *args, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(fetching.socket, "getaddrinfo", resolve)
    assert fetch_feed(url.replace("127.0.0.1", "feeds.rebind.test")).body == FEED
    # One lookup of the name; urllib3 then "resolves" the address literal it was given.
    assert lookups == ["feeds.rebind.test", "127.0.0.1"]
    assert server.requests[0]["headers"]["Host"] == f"feeds.rebind.test:{server.port}"


def test_an_unknown_server_name_is_a_clear_error():
    with pytest.raises(FeedError, match="could not be found"):
        fetch_feed("https://no-such-host.invalid/cal.ics")


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.169.254",
        "127.0.0.1",
        "0.0.0.0",  # noqa: S104 - the address under test, not a bind
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:a00:1::1",  # 6to4 around 10.0.0.1
    ],
)
def test_private_local_and_special_addresses_are_refused_in_production(production, address):
    assert not address_allowed(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_are_allowed(production, address):
    assert address_allowed(ipaddress.ip_address(address))


def test_loopback_is_allowed_only_with_the_development_setting(settings):
    settings.CALENDAR_FEEDS_ALLOW_LOOPBACK = True
    assert address_allowed(ipaddress.ip_address("127.0.0.1"))
    assert not address_allowed(ipaddress.ip_address("192.168.1.1"))


# URLs as the teacher pastes them --------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (
            "  webcal://calendar.google.com/calendar/ical/x%40group/private-abc/basic.ics ",
            "https://calendar.google.com/calendar/ical/x%40group/private-abc/basic.ics",
        ),
        ("WEBCALS://Example.COM/cal.ics", "https://example.com/cal.ics"),
        ("HTTPS://www.italki.com:443/cal.ics?k=1#top", "https://www.italki.com/cal.ics?k=1"),
        ("http://example.com:8080", "http://example.com:8080/"),
        (
            "https://bücher.example/kalender é.ics",
            "https://xn--bcher-kva.example/kalender%20%C3%A9.ics",
        ),
    ],
)
def test_feed_urls_are_normalised(raw, stored):
    assert normalise_feed_url(raw) == stored


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("", "Paste the address"),
        ("ftp://example.com/cal.ics", "starts with https://"),
        ("calendar.google.com/cal.ics", "starts with https://"),
        ("https:///cal.ics", "no server name"),
        ("https://user:secret@example.com/cal.ics", "Remove the user name and password"),
        ("https://example.com:99999/cal.ics", "not a web address"),
        ("https://example.com/" + "a" * 2000, "too long"),
    ],
)
def test_bad_feed_urls_are_refused_with_a_clear_message(raw, words):
    with pytest.raises(ValidationError, match=words):
        normalise_feed_url(raw)


def test_private_ip_literals_are_refused_when_entered(production):
    for raw in ("http://192.168.0.10/cal.ics", "http://[::1]:8000/cal.ics", "http://127.0.0.1/"):
        with pytest.raises(ValidationError, match="private or local network"):
            normalise_feed_url(raw)


# HTTPS: the checked address is used, the certificate is checked against the name ---------


@pytest.fixture
def tls_files(tmp_path):
    """A throwaway certificate authority and a server certificate for ``localhost``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)

    def certificate(subject, issuer, key, signer, *, ca):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = certificate("Test CA", "Test CA", ca_key, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = certificate("localhost", "Test CA", key, ca_key, ca=False)
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca_cert.public_bytes(pem))
    (tmp_path / "server.pem").write_bytes(
        cert.public_bytes(pem)
        + key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return tmp_path


@pytest.fixture
def tls_server(tls_files, settings):
    settings.CALENDAR_FEEDS_CA_CERTS = str(tls_files / "ca.pem")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files / "server.pem")
    with FeedServer(tls_context=context) as running:
        yield running


def test_https_connects_to_the_checked_address_and_verifies_the_name(tls_server):
    url = tls_server.serve("/cal.ics", FEED)
    assert fetch_feed(url.replace("127.0.0.1", "localhost")).body == FEED


def test_https_refuses_a_certificate_for_another_name(tls_server, monkeypatch):
    url = tls_server.serve("/cal.ics", FEED)
    monkeypatch.setattr(
        fetching.socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))
        ],
    )
    with pytest.raises(FeedError, match="certificate"):
        fetch_feed(url.replace("127.0.0.1", "impostor.test"))
