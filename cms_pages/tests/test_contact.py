from wagtail.contrib.forms.models import FormSubmission

from cms_pages.models import ContactPage

VALID = {"name": "Ana", "email": "ana@example.com", "message": "Do you teach on Sundays?"}


def test_contact_page_shows_contact_email_and_social_links(client, contact_page):
    html = client.get(contact_page.url).content.decode()
    assert 'href="mailto:team@petittalk.example"' in html
    assert 'href="https://www.instagram.com/petittalk"' in html
    assert '<label for="id_message"' in html


def test_valid_message_is_stored_emailed_to_the_contact_address_and_thanked(
    client, contact_page, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_page.url, VALID)

    assert response.status_code == 200
    assert "Message sent" in response.content.decode()
    assert FormSubmission.objects.filter(page=contact_page).count() == 1
    (email,) = mailoutbox
    assert email.to == ["team@petittalk.example"]
    assert email.extra_headers["Reply-To"] == "ana@example.com"
    assert "Do you teach on Sundays?" in email.body
    assert "Ana" in email.body


def test_invalid_message_shows_errors_and_sends_nothing(
    client, contact_page, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_page.url, {**VALID, "email": "not-an-email", "message": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist' in html
    assert 'aria-invalid="true"' in html
    assert mailoutbox == []
    assert not FormSubmission.objects.exists()


def test_messages_go_to_the_site_settings_address_not_the_page_field(contact_page, site_settings):
    contact_page.to_address = "old@example.com"
    assert ContactPage.objects.get(pk=contact_page.pk).contact_address() == (
        "team@petittalk.example"
    )
    site_settings.contact_email = ""
    site_settings.save()
    assert contact_page.contact_address() == "old@example.com"


def test_too_many_messages_from_one_address_are_refused(
    client, contact_page, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(ContactPage, "messages_rate", "1/h")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(contact_page.url, VALID).status_code == 200
        response = client.post(contact_page.url, VALID)

    assert response.status_code == 429
    assert "You have sent several messages already" in response.content.decode()
    assert len(mailoutbox) == 1


def test_each_address_may_send_ten_messages_an_hour(client, contact_page):
    statuses = [client.post(contact_page.url, VALID).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]


def test_a_message_over_5000_characters_is_refused_with_a_clear_error(
    client, contact_page, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_page.url, {**VALID, "message": "a" * 5001})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Please keep your message under 5,000 characters" in html
    assert 'id="id_message"' in html and 'aria-invalid="true"' in html
    assert mailoutbox == []
    assert not FormSubmission.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_page.url, {**VALID, "message": "a" * 5000})
    assert "Message sent" in response.content.decode()
    assert FormSubmission.objects.count() == 1
