"""Tags for the site templates: navigation, calls to action, SEO metadata."""

from django import template
from wagtail.models import Page

from cms_pages import navigation, seo
from site_config import page_cache

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
    return seo.json_ld(data)


@register.simple_tag(takes_context=True)
def contact_page_url(context):
    """URL of the live contact page. Every page's footer shows it, so it is kept in the cache
    until content changes (publishing or moving a page purges), not looked up each time."""
    from cms_pages.models import ContactPage

    request = context.get("request")
    if request is None:
        return ""

    def lookup():
        contact = ContactPage.objects.live().public().first()
        return contact.get_url(request) if contact else ""

    if not hasattr(request, "_contact_page_url"):
        request._contact_page_url = page_cache.remember(f"contact-url:{request.get_host()}", lookup)
    return request._contact_page_url
