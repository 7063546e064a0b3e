"""Search and sharing metadata: title, description, canonical URL, share image, JSON-LD.

Every value falls back in the same order: the page's promote tab, then the page's own
content, then the site settings.
"""

from django.templatetags.static import static
from django.utils.html import strip_tags

from site_config import page_cache

from .models.site_settings import DEFAULT_BRAND_NAME, DEFAULT_META_DESCRIPTION, SiteSettings

SHARE_IMAGE_FILTER = "fill-1200x630|format-jpeg"


def site_settings_for(request):
    if request is None:
        return None
    try:
        return SiteSettings.for_request(request)
    except Exception:  # noqa: BLE001 - no Wagtail site matches (e.g. a bare test request)
        return None


def page_title(page, brand):
    if page is None:
        return brand
    title = page.seo_title or page.title
    return title if brand in title else f"{title} | {brand}"


def page_description(page, settings):
    """The page's own description; without one (or without a page), the site's default from
    ``settings`` (``""`` when ``settings`` is ``None``: the caller has the site's)."""
    if page is not None:
        if page.search_description:
            return page.search_description
        intro = getattr(page, "intro", "")
        if intro:
            return " ".join(strip_tags(str(intro)).split())[:300]
    if settings is None:
        return ""
    return settings.default_meta_description or DEFAULT_META_DESCRIPTION


def share_image(page, settings):
    """The page's lead image, else its hero block's image, else the site's default."""
    image = getattr(page, "lead_image", None)
    if image is None and page is not None and hasattr(page, "body"):
        for block in page.body:
            if block.block_type == "hero" and block.value.get("image"):
                image = block.value["image"]
                break
    if image is None and settings is not None:
        image = settings.default_share_image
    return image


def build_seo(request, page=None):
    """Everything templates/includes/seo.html prints (computed once per request and page)."""
    if request is None:
        return _build_seo(None, page)
    memo = request.__dict__.setdefault("_petit_seo", {})
    key = page.pk if page is not None else None
    if key not in memo:
        memo[key] = _build_seo(request, page)
    return memo[key]


def site_seo(request):
    """What every page's metadata takes from the site settings: the brand, the default
    description and share image, the organisation's JSON-LD. The same for every page and user
    of a site, so kept until content changes (``page_cache.remember``: saving the site
    settings, an image or a site is a purge): a page costs no query for it."""
    return page_cache.remember(request, "site-seo", lambda: _site_seo(request))


def _site_seo(request):
    settings = site_settings_for(request)
    brand = (settings.brand_name if settings else "") or DEFAULT_BRAND_NAME
    home_url = request.build_absolute_uri("/") if request else "/"
    return {
        "brand": brand,
        "description": (settings.default_meta_description if settings else "")
        or DEFAULT_META_DESCRIPTION,
        "image": _image_data(request, settings.default_share_image if settings else None),
        "organization": organization_data(settings, brand, home_url, request),
    }


def _image_data(request, image):
    if image is None:
        return None
    rendition = image.get_rendition(SHARE_IMAGE_FILTER)
    return {
        "url": request.build_absolute_uri(rendition.url) if request else rendition.url,
        "width": rendition.width,
        "height": rendition.height,
        "alt": image.default_alt_text,
    }


def _build_seo(request, page):
    site = site_seo(request)
    brand = site["brand"]
    if page is not None and request is not None:
        canonical = page.get_full_url(request)
    elif request is not None:
        canonical = request.build_absolute_uri(request.path)
    else:
        canonical = ""
    seo = {
        "brand": brand,
        "title": page_title(page, brand),
        "og_title": (page.seo_title or page.title) if page is not None else brand,
        "description": page_description(page, None) or site["description"],
        "canonical": canonical,
        "og_type": "article" if getattr(page, "date", None) else "website",
    }
    image = share_image(page, None)
    seo["image"] = _image_data(request, image) if image is not None else site["image"]
    seo["organization"] = site["organization"]
    seo["blog_posting"] = blog_posting_data(page, seo) if seo["og_type"] == "article" else None
    return seo


def organization_data(settings, brand, home_url, request):
    logo = static("img/favicon.svg")
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": brand,
        "url": home_url,
        "logo": request.build_absolute_uri(logo) if request else logo,
    }
    if settings is not None:
        if settings.contact_email:
            data["email"] = settings.contact_email
        same_as = [url for _, url in settings.social_links]
        if same_as:
            data["sameAs"] = same_as
    return data


def blog_posting_data(page, seo):
    data = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": seo["og_title"][:110],
        "description": seo["description"],
        "datePublished": page.date.isoformat(),
        "mainEntityOfPage": seo["canonical"],
        "url": seo["canonical"],
        "author": {"@type": "Person", "name": page.author},
        "publisher": {"@type": "Organization", "name": seo["brand"]},
    }
    modified = page.last_published_at or page.latest_revision_created_at
    if modified:
        data["dateModified"] = modified.isoformat()
    if seo["image"]:
        data["image"] = seo["image"]["url"]
    return data
