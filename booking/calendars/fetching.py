"""Reading a teacher's ICS feed over HTTP without letting the address reach inside our network.

The rules, in order:

- only ``http`` and ``https`` (``webcal://`` is entered as ``https://``), no user name or
  password in the address;
- the server's name is resolved once and **every** address it resolves to must be public:
  private, loopback, link-local, multicast, reserved and unspecified addresses are refused
  (``CALENDAR_FEEDS_ALLOW_LOOPBACK`` lets loopback through in development and tests only);
- we connect to the address we checked (TLS still checks the certificate against the
  server's name), so a second DNS answer cannot point the request elsewhere (DNS rebinding);
- redirects are followed by hand, at most ``MAX_REDIRECTS``, each new address checked again;
- one deadline for the whole download (``CALENDAR_FEEDS_TIMEOUT_SECONDS``), a size limit
  read as a stream (``CALENDAR_FEEDS_MAX_BYTES``), no proxies from the environment;
- conditional requests: the last ``ETag`` and ``Last-Modified`` are sent back, and a
  ``304 Not Modified`` answer means "keep what you have".

Every failure is a ``FeedError`` whose message is written for the teacher.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError

MAX_REDIRECTS = 3
MAX_URL_LENGTH = 2000
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
CHUNK_BYTES = 64 * 1024
# Characters left as they are when the rest of a path or query is percent-encoded.
URL_SAFE = "/:@!$&'()*+,;=%?~-._"

NOT_PUBLIC = (
    "This address points to a private or local network, which Petit Talk does not read. "
    "Use the calendar's public address (it usually starts with https://)."
)


class FeedError(Exception):
    """A feed could not be read. The message is shown to the teacher as it is."""


@dataclass(frozen=True)
class Download:
    """A feed's body (``None`` when the server answered 304 Not Modified) and validators."""

    body: bytes | None
    etag: str = ""
    last_modified: str = ""


def normalise_feed_url(raw):
    """The address as Petit Talk stores it, or ``ValidationError`` saying what is wrong.

    ``webcal://`` and ``webcals://`` (what calendar apps offer) become ``https://``; the
    fragment is dropped; the server's name is lower-cased (IDNA for non-ASCII names) and
    the rest percent-encoded, so the stored address is plain ASCII. An address that names
    a private or local IP address directly is refused here already; names are resolved
    (and checked again) when the feed is fetched.
    """
    value = (raw or "").strip()
    if not value:
        raise ValidationError("Paste the address of your calendar feed.")
    scheme, _, rest = value.partition("://")
    if scheme.lower() in ("webcal", "webcals"):
        value = f"https://{rest}"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise ValidationError("This is not a web address. Check it and paste it again.") from exc
    if parts.scheme.lower() not in DEFAULT_PORTS:
        raise ValidationError(
            "Use the calendar's web address: it starts with https://, http:// or webcal://."
        )
    if not parts.hostname:
        raise ValidationError("This address has no server name. Check it and paste it again.")
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            "Remove the user name and password from the address: Petit Talk reads public "
            "or secret-link calendar addresses only."
        )
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValidationError("The server name in this address is not valid.") from exc
    address = _ip_literal(host)
    if address is not None and not address_allowed(address):
        raise ValidationError(NOT_PUBLIC)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[parts.scheme.lower()]:
        netloc = f"{netloc}:{port}"
    url = urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=URL_SAFE) or "/",
            quote(parts.query, safe=URL_SAFE),
            "",
        )
    )
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(f"This address is too long (over {MAX_URL_LENGTH} characters).")
    return url


def _ip_literal(host):
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def address_allowed(address):
    """True if Petit Talk may connect to ``address`` (an ``ipaddress`` address).

    Only globally reachable unicast addresses; loopback too while
    ``CALENDAR_FEEDS_ALLOW_LOOPBACK`` is on (development and tests). An IPv6 address that
    carries an IPv4 one (mapped ``::ffff:a.b.c.d``, 6to4) is judged by the IPv4 address.
    """
    if address.version == 6:
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return address_allowed(embedded)
    if address.is_loopback:
        return bool(settings.CALENDAR_FEEDS_ALLOW_LOOPBACK)
    refused = (
        address.is_private,
        address.is_link_local,
        address.is_multicast,
        address.is_reserved,
        address.is_unspecified,
        not address.is_global,
    )
    return not any(refused)


def _checked_addresses(host, port):
    """Every address ``host`` resolves to, once, in the resolver's order; all must pass."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FeedError(
            f"The server “{host}” could not be found. Check the address of the calendar."
        ) from exc
    addresses = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]  # an IPv6 zone index is not part of it
        if text not in addresses:
            addresses.append(text)
    if not addresses or not all(address_allowed(ipaddress.ip_address(a)) for a in addresses):
        raise FeedError(NOT_PUBLIC)
    return addresses


def fetch_feed(url, *, etag="", last_modified=""):
    """Download the feed at ``url`` (already normalised) under the rules above.

    ``etag`` and ``last_modified`` are the validators of the last good download; when the
    server says nothing changed, the result's ``body`` is ``None``.
    """
    timeout = float(settings.CALENDAR_FEEDS_TIMEOUT_SECONDS)
    deadline = time.monotonic() + timeout
    headers = {
        "Accept": "text/calendar, */*;q=0.5",
        "User-Agent": f"PetitTalk-CalendarSync (+{settings.SITE_URL})",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(MAX_REDIRECTS + 1):
        pool, response = _open(url, headers, deadline, timeout)
        try:
            if response.status in REDIRECT_STATUSES:
                location = response.headers.get("Location", "")
                if not location:
                    raise FeedError("The calendar server sent a redirect without an address.")
                try:
                    url = normalise_feed_url(urljoin(url, location))
                except ValidationError as exc:
                    raise FeedError(
                        f"The calendar server redirected to an address Petit Talk does not "
                        f"read: {exc.messages[0]}"
                    ) from exc
                continue
            if response.status == 304 and (etag or last_modified):
                return Download(None, etag, last_modified)
            if response.status != 200:
                raise FeedError(_status_message(response.status))
            body = _read_limited(response, deadline, timeout)
            return Download(
                body,
                response.headers.get("ETag", "")[:255],
                response.headers.get("Last-Modified", "")[:100],
            )
        finally:
            response.close()  # an unread body (redirect, error) is not drained
            pool.close()
    raise FeedError(f"The calendar server redirected more than {MAX_REDIRECTS} times.")


def _status_message(status):
    if status in (401, 403):
        return (
            f"The calendar server refused access (HTTP {status}). Use the calendar's public "
            "or secret address, not the address of its web page."
        )
    if status in (404, 410):
        return (
            f"The calendar server has no calendar at this address (HTTP {status}). It may "
            "have been reset: copy the address again from your calendar's settings."
        )
    return (
        f"The calendar server answered with an error (HTTP {status}). Petit Talk tries again later."
    )


def _open(url, headers, deadline, timeout):
    """A connection pool to the checked address of ``url``'s server and its response."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise FeedError("Only http and https calendar addresses can be read.")
    host, port = parts.hostname, parts.port or DEFAULT_PORTS[scheme]
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    host_header = f"[{host}]" if ":" in host else host
    if port != DEFAULT_PORTS[scheme]:
        host_header = f"{host_header}:{port}"
    last_problem = None
    for address in _checked_addresses(host, port):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        options = {
            "port": port,
            "timeout": urllib3.Timeout(connect=remaining, read=remaining),
            "retries": False,
            "maxsize": 1,
        }
        if scheme == "https":
            # Connect to the checked address; SNI and the certificate use the server's name.
            pool = urllib3.HTTPSConnectionPool(
                address,
                cert_reqs="CERT_REQUIRED",
                ca_certs=settings.CALENDAR_FEEDS_CA_CERTS,
                server_hostname=host,
                assert_hostname=host,
                **options,
            )
        else:
            pool = urllib3.HTTPConnectionPool(address, **options)
        try:
            response = pool.urlopen(
                "GET",
                path,
                headers={**headers, "Host": host_header},
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
        except urllib3.exceptions.NewConnectionError as exc:
            pool.close()
            last_problem = exc  # try the server's next address
            continue
        except urllib3.exceptions.SSLError as exc:
            pool.close()
            raise FeedError(
                "The calendar server's secure connection could not be verified (TLS certificate)."
            ) from exc
        except (urllib3.exceptions.TimeoutError, TimeoutError) as exc:
            pool.close()
            raise FeedError(_too_slow(timeout)) from exc
        except urllib3.exceptions.HTTPError as exc:
            pool.close()
            raise FeedError("The calendar server could not be reached.") from exc
        return pool, response
    if last_problem is None:
        raise FeedError(_too_slow(timeout))
    raise FeedError("The calendar server could not be reached.") from last_problem


def _too_slow(timeout):
    return f"The calendar server did not answer within {timeout:g} seconds."


def _read_limited(response, deadline, timeout):
    """The body, read in chunks and abandoned past the size limit or the deadline."""
    limit = int(settings.CALENDAR_FEEDS_MAX_BYTES)
    too_big = (
        f"The calendar is larger than {limit / (1024 * 1024):g} MB, which Petit Talk does not read."
    )
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FeedError(too_big)
    chunks, size = [], 0
    try:
        for chunk in response.stream(CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                raise FeedError(too_big)
            if time.monotonic() > deadline:
                raise FeedError(_too_slow(timeout))
            chunks.append(chunk)
    except (urllib3.exceptions.TimeoutError, TimeoutError) as exc:
        raise FeedError(_too_slow(timeout)) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise FeedError("The calendar server stopped sending the calendar halfway.") from exc
    return b"".join(chunks)
