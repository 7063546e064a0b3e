"""Structured request logs: one JSON line per request with its id; no request bodies."""

import io
import json
import logging

import pytest

from site_config.request_logging import JsonFormatter, RequestIdFilter


@pytest.fixture
def json_log():
    """Capture every log record as the production JSON formatter writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = logging.getLogger("petit_talk.request").level
    logging.getLogger("petit_talk.request").setLevel(logging.INFO)

    def lines():
        handler.flush()
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    root.removeHandler(handler)
    logging.getLogger("petit_talk.request").setLevel(previous)


@pytest.mark.django_db
def test_a_request_logs_one_json_line_with_its_id(client, json_log):
    response = client.get("/healthz")
    request_lines = [line for line in json_log() if line["logger"] == "petit_talk.request"]
    assert len(request_lines) == 1
    line = request_lines[0]
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["method"] == "GET"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["level"] == "INFO"
    assert isinstance(line["duration_ms"], float)


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_echoed_and_logged(client, json_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd-ef")
    assert response["X-Request-ID"] == "lb-1234abcd-ef"
    assert [
        line["request_id"] for line in json_log() if line["logger"] == "petit_talk.request"
    ] == ["lb-1234abcd-ef"]


@pytest.mark.django_db
def test_a_malformed_incoming_request_id_is_replaced(client, json_log):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert response["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_a_password_post_body_never_reaches_the_logs(client, json_log, student):
    secret = "s3cret-Password-Never-Logged-42"
    client.post(
        "/accounts/login/",
        {"login": student.email, "password": secret},
        HTTP_X_REQUEST_ID="login-attempt-0001",
    )
    client.post("/accounts/login/", {"login": student.email, "password": secret})
    lines = json_log()
    assert any(line["path"] == "/accounts/login/" for line in lines)
    assert secret not in json.dumps(lines)


@pytest.mark.django_db
def test_errors_are_logged_with_request_context(json_log):
    from django.test import Client

    client = Client(raise_request_exception=False)
    with _failing_url():
        response = client.get("/__boom__", HTTP_X_REQUEST_ID="boom-request-0001")
    assert response.status_code == 500
    errors = [line for line in json_log() if line["logger"] == "django.request"]
    assert len(errors) == 1
    assert errors[0]["level"] == "ERROR"
    assert errors[0]["request_id"] == "boom-request-0001"
    assert "RuntimeError: boom for the log test" in errors[0]["exception"]
    assert "/__boom__" in errors[0]["message"]


class _failing_url:
    """Temporarily append a URL whose view raises, to the real URLconf."""

    def __enter__(self):
        from django.urls import clear_url_caches, path

        from site_config import urls

        def boom(request):
            raise RuntimeError("boom for the log test")

        self.urls = urls
        self.pattern = path("__boom__", boom)
        urls.urlpatterns.insert(0, self.pattern)
        clear_url_caches()

    def __exit__(self, *exc):
        from django.urls import clear_url_caches

        self.urls.urlpatterns.remove(self.pattern)
        clear_url_caches()
