"""Newsletter sign-up: double opt-in, case-insensitive uniqueness, consent, unsubscribe tokens."""

import re
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError
from django.urls import reverse

from cms_pages.models import Subscriber, SubscriberStatus
from cms_pages.newsletter.forms import ALREADY_SUBSCRIBED
from cms_pages.newsletter.models import CONFIRM_SALT, UNSUBSCRIBE_SALT
from site_config.public_forms import RATE_LIMITED

SUBSCRIBE_URL = reverse("cms_pages:newsletter_subscribe")


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def subscribe(client, email, source="footer", website="", **meta):
    data = {"email": email, "source": source, "website": website}
    return client.post(SUBSCRIBE_URL, data, **meta)


def link_in(message, kind):
    return re.search(rf"https?://\S+/newsletter/{kind}/[^\s/]+/", message.body).group(0)


def make_subscriber(email="reader@example.com", status=SubscriberStatus.CONFIRMED):
    return Subscriber.objects.create(email=email, status=status, source="test")


def test_new_address_gets_a_double_opt_in_email_and_stays_pending(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, "New.Reader@Example.com", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert response["Location"] == reverse("cms_pages:newsletter_thanks")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.PENDING
    assert subscriber.source == "footer"
    assert subscriber.consented_at is not None
    assert subscriber.ip_address == "203.0.113.9"
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["New.Reader@Example.com"]
    assert "/newsletter/confirm/" in mailoutbox[0].body


def test_confirmation_link_shows_a_button_and_post_confirms(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "reader@example.com")
    url = link_in(mailoutbox[0], "confirm")
    assert client.get(url).status_code == 200
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING
    response = client.post(url)
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert subscriber.confirmed_at is not None


@pytest.mark.parametrize("status", [SubscriberStatus.CONFIRMED, SubscriberStatus.PENDING])
def test_already_subscribed_address_in_any_case_gets_a_clear_message(client, db, status):
    make_subscriber("reader@example.com", status)
    response = subscribe(client, "READER@example.COM")
    body = response.content.decode()
    assert response.status_code == 200
    assert ALREADY_SUBSCRIBED in body
    assert "valid email" not in body
    assert Subscriber.objects.count() == 1


def test_invalid_address_is_refused(client, db):
    response = subscribe(client, "not-an-email")
    assert "Enter a valid email address." in response.content.decode()
    assert not Subscriber.objects.exists()


def test_database_refuses_the_same_address_in_another_case(db):
    make_subscriber("reader@example.com")
    with pytest.raises(IntegrityError):
        make_subscriber("Reader@Example.com")


def test_unsubscribed_address_can_sign_up_again_with_new_consent(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    old = make_subscriber("reader@example.com", SubscriberStatus.UNSUBSCRIBED)
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "reader@example.com", source="home page")
    old.refresh_from_db()
    assert old.status == SubscriberStatus.PENDING
    assert old.source == "home page"
    assert len(mailoutbox) == 1


def test_honeypot_sign_up_is_dropped_with_the_normal_response(client, db, mailoutbox):
    response = subscribe(client, "bot@example.com", website="http://spam")
    assert response.status_code == 302
    assert not Subscriber.objects.exists()
    assert not mailoutbox


def test_sign_ups_are_rate_limited_per_address(client, db):
    for i in range(10):
        subscribe(client, f"reader{i}@example.com")
    response = subscribe(client, "one-more@example.com")
    assert response.status_code == 429
    assert RATE_LIMITED in response.content.decode()
    assert Subscriber.objects.count() == 10


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        signing.dumps(999999, salt=CONFIRM_SALT),
        signing.dumps(1, salt="another.salt"),
    ],
    # Signed tokens embed a timestamp: fixed ids keep collection identical across workers.
    ids=["garbage", "unknown-subscriber", "wrong-salt"],
)
def test_bad_confirmation_token_shows_a_clear_page_and_changes_nothing(client, db, token):
    subscriber = make_subscriber(status=SubscriberStatus.PENDING)
    url = reverse("cms_pages:newsletter_confirm", args=[token])
    response = client.post(url)
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


def test_tampered_confirmation_token_changes_nothing(client, db):
    subscriber = make_subscriber(status=SubscriberStatus.PENDING)
    token = subscriber.confirm_token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.post(reverse("cms_pages:newsletter_confirm", args=[tampered]))
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


def test_unsubscribe_token_cannot_confirm(client, db):
    subscriber = make_subscriber(status=SubscriberStatus.PENDING)
    url = reverse("cms_pages:newsletter_confirm", args=[subscriber.unsubscribe_token])
    assert client.post(url).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


def test_unsubscribe_get_asks_and_post_unsubscribes_without_login(client, db):
    subscriber = make_subscriber()
    url = reverse("cms_pages:newsletter_unsubscribe", args=[subscriber.unsubscribe_token])
    response = client.get(url)
    assert response.status_code == 200
    assert subscriber.email in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert client.post(url).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_one_click_unsubscribe_post_needs_no_csrf_token(db):
    from django.test import Client

    subscriber = make_subscriber()
    client = Client(enforce_csrf_checks=True)
    url = reverse("cms_pages:newsletter_unsubscribe", args=[subscriber.unsubscribe_token])
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.parametrize(
    "token",
    ["garbage", signing.dumps(999999, salt=UNSUBSCRIBE_SALT), "tampered"],
    ids=["garbage", "unknown-subscriber", "tampered"],
)
def test_bad_unsubscribe_token_shows_a_clear_page_and_changes_nothing(client, db, token):
    subscriber = make_subscriber()
    if token == "tampered":
        token = subscriber.unsubscribe_token[:-2] + "xx"
    url = reverse("cms_pages:newsletter_unsubscribe", args=[token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


def test_footer_and_page_forms_post_to_subscribe_with_their_source(client, db):
    body = client.get(SUBSCRIBE_URL).content.decode()
    assert body.count(f'action="{SUBSCRIBE_URL}"') == 2
    assert 'name="source" value="footer"' in body
    assert 'name="source" value="newsletter page"' in body
    assert 'name="website"' in body


def test_a_confirmation_link_confirms_only_the_subscription_it_was_sent_for(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "reader@example.com")
    first_link = link_in(mailoutbox[0], "confirm")
    Subscriber.objects.get().unsubscribe()
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, "reader@example.com")
    second_link = link_in(mailoutbox[1], "confirm")
    assert first_link != second_link

    response = client.post(first_link)
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert client.get(first_link).status_code == 400
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING

    assert client.post(second_link).status_code == 200
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED


def test_a_token_naming_only_the_subscriber_id_cannot_confirm(client, db):
    subscriber = make_subscriber(status=SubscriberStatus.PENDING)
    token = signing.dumps(subscriber.pk, salt=CONFIRM_SALT)
    response = client.post(reverse("cms_pages:newsletter_confirm", args=[token]))
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


def test_a_confirmation_link_expires_after_seven_days(client, db, monkeypatch):
    subscriber = make_subscriber(status=SubscriberStatus.PENDING)
    eight_days_ago = signing.b62_encode(int(time.time()) - 8 * 86400)
    with monkeypatch.context() as patch:
        patch.setattr(signing.TimestampSigner, "timestamp", lambda self: eight_days_ago)
        url = reverse("cms_pages:newsletter_confirm", args=[subscriber.confirm_token])
    assert client.post(url).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING
