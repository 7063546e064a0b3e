"""The home page costs the same number of queries however much content it holds."""

import json

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking.models import BookingSettings


def home_body(images, repeat):
    hero = {"type": "hero", "value": {"image": images[0].pk, "heading": "Bonjour", "text": "Hi"}}
    body = [hero]
    for index in range(repeat):
        image = images[index % len(images)]
        body += [
            {"type": "rich_text", "value": f"<p>Paragraph {index}</p>"},
            {"type": "image", "value": {"image": image.pk, "caption": f"Picture {index}"}},
            {"type": "cta_band", "value": {"heading": f"Band {index}", "text": ""}},
            {
                "type": "static_offer",
                "value": {"heading": f"Offer {index}", "price": "€18", "features": ["a", "b"]},
            },
            # No price typed: the live "from" price (the cheapest teacher), read once per page.
            {"type": "static_offer", "value": {"heading": f"Live {index}", "price": ""}},
        ]
    body += [
        {"type": "teacher_carousel", "value": {"heading": "Teachers"}},
        {"type": "offers", "value": {"heading": "Offers"}},
        {"type": "testimonials", "value": {"heading": "Testimonials", "count": 6}},
        {"type": "newsletter", "value": {"heading": "Newsletter", "text": ""}},
    ]
    return json.dumps(body)


def queries_for_home(client, expected_text):
    # A visitor's page may be served from the anonymous page cache; a cookie bypasses it.
    extra = {} if "_auth_user_id" in client.session else {"HTTP_COOKIE": "sessionid=none"}
    # The first render creates the renditions and stores the site-wide values once per
    # content generation (page_cache.remember): rendered, not served from the page cache.
    client.get("/", **extra)
    with CaptureQueriesContext(connection) as context:
        response = client.get("/", **extra)
    assert response.status_code == 200
    assert expected_text in response.content.decode()
    return len(context.captured_queries)


@pytest.mark.parametrize("as_student", [False, True], ids=["visitor", "student"])
def test_home_page_query_count_does_not_grow_with_content(
    client, home, site_settings, student, as_student
):
    if as_student:
        client.force_login(student)
    expected_text = "Book a lesson" if as_student else "Sign up"
    images = [
        wagtail_factories.ImageFactory(title=f"Image {n}", file__width=320, file__height=240)
        for n in range(6)
    ]

    # A running site has its booking settings row (creating it is an edit that purges).
    BookingSettings.for_site(home.get_site())
    home.body = home_body(images[:1], repeat=1)
    home.save_revision().publish()
    little = queries_for_home(client, expected_text)

    home.body = home_body(images, repeat=12)
    home.save_revision().publish()
    lots = queries_for_home(client, expected_text)

    assert little == lots
