"""Pages Django renders are compressed for browsers that accept it; static files keep
whitenoise's own pre-compressed versions."""

import gzip

import pytest

pytestmark = pytest.mark.django_db


def test_html_is_gzipped_when_the_browser_accepts_it(client):
    plain = client.get("/teachers/")
    packed = client.get("/teachers/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "<h1" in html and "</html>" in html
    assert len(packed.content) < len(plain.content) / 2


def test_logged_in_pages_are_gzipped_too(client, student):
    client.force_login(student)
    again = client.get("/bookings/", HTTP_ACCEPT_ENCODING="gzip")
    assert again.status_code == 200
    assert again["Content-Encoding"] == "gzip"
    assert "</html>" in gzip.decompress(again.content).decode()
