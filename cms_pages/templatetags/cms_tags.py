"""Tags for the site templates: navigation, calls to action, SEO metadata."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail.contrib.settings.context_processors import settings as settings_context
from wagtail.models import Page

from cms_pages import navigation, seo
from cms_pages.models import ContactPage
from site_config import page_cache
from site_config.json_ld import json_ld as site_json_ld

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """Header links for the viewer's role, each with `current` set for the page being viewed."""
    request = context.get("request")
    path = getattr(request, "path", "")
    return [
        {
            "link": link,
            "current": path == link.url or (link.url != "/" and path.startswith(link.url)),
        }
        for link in navigation.navigation_for(_user(context))
    ]


@register.simple_tag(takes_context=True)
def calls_to_action(context):
    return navigation.calls_to_action_for(_user(context))


@register.simple_tag(takes_context=True)
def seo_meta(context):
    page = context.get("page")
    # Other apps may call a paginator page "page"; only Wagtail pages carry SEO fields.
    return seo.build_seo(context.get("request"), page if isinstance(page, Page) else None)


@register.filter
def json_ld(data):
    """``{{ data|json_ld }}`` inside a JSON-LD script element (site_config.json_ld)."""
    return site_json_ld(data)


@register.simple_tag(takes_context=True)
def shared_include(context, template_name):
    """``{% include %}`` of a part that is the same for every visitor and member of a site
    (the footer): rendered once per content generation and site
    address, then kept in the process (``site_config.page_cache.remember``), so a page pays
    neither its rendering nor a cache round trip. Its template gets only ``request`` (for
    its site and address) and Wagtail's ``settings``: no ``user``, CSRF token or messages,
    and it must not read ``request.user``, since every visitor gets the first rendering."""
    request = context.get("request")

    def render():
        shared = {"request": request, **settings_context(request)} if request else {}
        return mark_safe(render_to_string(template_name, shared))  # noqa: S308 - a template's own output

    return page_cache.remember(request, f"fragment:{template_name}", render)


@register.simple_tag(takes_context=True)
def contact_page_url(context):
    """URL of the live contact page, for the footer (inside its ``{% cache %}`` fragment, so
    looked up once per content generation, not on every page)."""
    request = context.get("request")
    contact = ContactPage.objects.live().public().first()
    return contact.get_url(request) if contact else ""


@register.simple_tag(takes_context=True)
def content_generation(context):
    """The page cache's generation: a ``{% cache %}`` key part that changes whenever what
    visitors see changes (site_config.page_cache purges), so a cached fragment shows an edit
    on the next request. Read once per request."""
    return page_cache.generation_for(context.get("request"))
