"""Templated emails sent in background tasks.

Call ``send_templated_email.enqueue(...)`` inside ``transaction.on_commit`` so an email goes
out only for changes that were really saved. Arguments must be JSON-serialisable because the
production task backend stores them in the database.
"""

import base64

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django_tasks import task

FALLBACK_BRAND_NAME = "Petit Talk"


def brand_name(request=None):
    """The brand every email speaks in: Site settings' brand name (the request's site, else the
    default site), never a host name. The CMS app is looked up by label: it imports this module."""
    site_model = apps.get_model("wagtailcore", "Site")
    site = site_model.find_for_request(request) if request is not None else None
    site = site or site_model.objects.filter(is_default_site=True).first()
    if site is None:
        return FALLBACK_BRAND_NAME
    row = apps.get_model("cms_pages", "SiteSettings").for_site(site)
    return row.brand_name or FALLBACK_BRAND_NAME


def build_email(template_prefix, context, to, *, attachments=(), headers=None):
    """Render ``<prefix>_subject.txt``, ``<prefix>.txt`` and optional ``<prefix>.html``.

    Every template gets ``site_url`` (settings.SITE_URL) and ``brand_name`` (Site settings)."""
    context = {"site_url": settings.SITE_URL, "brand_name": brand_name(), **context}
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
    body = render_to_string(f"{template_prefix}.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        headers=headers or {},
    )
    try:
        html = render_to_string(f"{template_prefix}.html", context)
    except Exception:  # noqa: BLE001 - the HTML part is optional
        html = None
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content_b64, mimetype in attachments:
        message.attach(filename, base64.b64decode(content_b64), mimetype)
    return message


@task()
def send_templated_email(template_prefix, context, to, attachments=(), headers=None):
    """Background task: render and send one email.

    ``attachments`` is a list of ``(filename, base64 content, mimetype)`` triples.
    """
    build_email(template_prefix, context, to, attachments=attachments, headers=headers).send()


def encode_attachment(filename, content, mimetype):
    """Make an attachment triple for ``send_templated_email`` from bytes or text."""
    if isinstance(content, str):
        content = content.encode()
    return (filename, base64.b64encode(content).decode("ascii"), mimetype)
