"""Demo content for cms_pages: the home page and its blocks, About, Contact, the blog and the
site settings. Idempotent: what exists is left as it is, so running it twice changes nothing.

It also copes with a flushed database (the browser tests' live server): the page tree root,
the root collection, the default locale and the default site are recreated when missing.
"""

import io
import json
import uuid
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from accounts.demo import TEACHERS

from .models import (
    BlogIndexPage,
    BlogPage,
    ContactFormField,
    ContactPage,
    ContentPage,
    HomePage,
    SiteSettings,
)

NAVY = (20, 33, 61)
BLUE = (37, 87, 167)
RED = (200, 50, 60)
CREAM = (250, 244, 232)


def load(log):
    _ensure_tree_roots()
    hero_image = _demo_image("Petit Talk: a French lesson online", BLUE, RED)
    home = _ensure_home_page(hero_image, log)
    _ensure_site_settings(home, hero_image)
    _ensure_about_page(home)
    _ensure_contact_page(home)
    _ensure_blog(home)
    return []


def _ensure_tree_roots():
    if not Locale.objects.exists():
        Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def _demo_image(title, colour, accent):
    """A Wagtail image drawn with Pillow: sky gradient, a speech bubble and the tricolore."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    width, height = 1600, 1200
    canvas = PILImage.new("RGB", (width, height), CREAM)
    draw = ImageDraw.Draw(canvas)
    for y in range(height):
        mix = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(c * (1 - mix) + n * mix) for c, n in zip(colour, NAVY, strict=True)),
        )
    draw.rounded_rectangle([220, 260, 1380, 820], radius=90, fill=CREAM)
    draw.polygon([(420, 800), (560, 800), (380, 980)], fill=CREAM)
    for index, stripe in enumerate(((0, 85, 164), (255, 255, 255), (239, 65, 53))):
        draw.rectangle([420 + index * 250, 420, 670 + index * 250, 660], fill=stripe)
    draw.ellipse([1240, 860, 1480, 1100], fill=accent)
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=85)
    image = Image(title=title, collection=Collection.get_first_root_node())
    image.file = ImageFile(buffer, name=f"demo-{uuid.uuid5(uuid.NAMESPACE_URL, title).hex[:8]}.jpg")
    image.save()
    return image


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()  # publishing saved another instance (url_path may have changed)
    return page


def _ensure_home_page(hero_image, log):
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    home = HomePage(
        title="Petit Talk",
        slug=f"home-{uuid.uuid4().hex[:6]}",
        seo_title="Petit Talk: live French lessons with native teachers",
        search_description=(
            "Learn French in live one-to-one video lessons with friendly native teachers. "
            "Pick a teacher, book a time that suits you, and start speaking from day one."
        ),
        body=json.dumps(_home_body(hero_image)),
    )
    root.add_child(instance=home)
    # Canonical and sitemap URLs are built from the site's host name: use SITE_URL's.
    site_url = urlsplit(settings.SITE_URL)
    hostname, port = site_url.hostname or "localhost", site_url.port or 80
    if site_url.scheme == "https" and not site_url.port:
        port = 443
    with transaction.atomic():
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname=hostname,
                port=port,
                site_name="Petit Talk",
                root_page=home,
                is_default_site=True,
            )
        else:
            previous_root = site.root_page
            site.root_page = home
            site.site_name = "Petit Talk"
            site.hostname, site.port = hostname, port
            site.save()
            # Wagtail's "Welcome to your new Wagtail site!" page: nobody links to it any more.
            if previous_root.specific_class is Page and previous_root.depth == 2:
                previous_root.delete()
    home.refresh_from_db()
    home.slug = "home"
    _publish(home)
    log("Created the home page.")
    return home


def _home_body(hero_image):
    return [
        {
            "type": "hero",
            "value": {
                "image": hero_image.pk,
                "heading": "Speak French with confidence",
                "text": (
                    "Live one-to-one lessons with friendly native teachers, at times that suit "
                    "you. Conversation, grammar, exam preparation: you choose, we adapt."
                ),
                "show_call_to_action": True,
            },
        },
        {
            "type": "rich_text",
            "value": (
                "<h2>How it works</h2><ol><li><b>Choose a teacher</b> by specialty, the "
                "levels they teach, price and when they are free.</li><li><b>Book a lesson</b> "
                "from their free times, shown in your own time zone, and pay online.</li><li>"
                "<b>Your teacher confirms</b> and you get an email with a calendar invitation. "
                "Free cancellation up to 24 hours before.</li></ol>"
            ),
        },
        {"type": "teacher_carousel", "value": {"heading": "Meet our teachers"}},
        {
            "type": "static_offer",
            "value": {
                "badge": "Most popular",
                "heading": "One-to-one lesson",
                # Empty: the live price ("from" the cheapest teacher) and lesson length.
                "price": "",
                "price_note": "",
                "description": "A live lesson with a native teacher, planned around your goals.",
                "features": [
                    "Teachers for every level, A1 to C2",
                    "Free cancellation up to 24 hours before",
                    "Times shown in your own time zone",
                ],
            },
        },
        {"type": "offers", "value": {"heading": "Current offers"}},
        {"type": "testimonials", "value": {"heading": "What our students say", "count": 6}},
        {
            "type": "cta_band",
            "value": {
                "heading": "Your first French conversation is one click away",
                "text": "Create a free account, pick a teacher and book when it suits you.",
            },
        },
        {
            "type": "newsletter",
            "value": {
                "heading": "Get French tips in your inbox",
                "text": "One short email a month: phrases, culture and new teachers.",
            },
        },
    ]


def _ensure_site_settings(home, share_image):
    site = Site.objects.filter(root_page=home).first() or Site.objects.get(is_default_site=True)
    site_settings = SiteSettings.for_site(site)
    if not site_settings.contact_email:
        site_settings.brand_name = "Petit Talk"
        site_settings.contact_email = "hello@petittalk.example"
        site_settings.instagram_url = "https://www.instagram.com/petittalk"
        site_settings.facebook_url = "https://www.facebook.com/petittalk"
        site_settings.youtube_url = "https://www.youtube.com/@petittalk"
        site_settings.tiktok_url = "https://www.tiktok.com/@petittalk"
        site_settings.default_share_image = share_image
        site_settings.save()


def _ensure_about_page(home):
    if ContentPage.objects.child_of(home).filter(slug="about").exists():
        return
    about = ContentPage(
        title="About us",
        slug="about",
        intro="Petit Talk brings learners and native French teachers together, one conversation "
        "at a time.",
        search_description="Who we are and how Petit Talk teachers help you speak French.",
        body=json.dumps(
            [
                {
                    "type": "rich_text",
                    "value": (
                        "<h2>Our story</h2><p>Petit Talk started in a small Lyon flat where two "
                        "teachers gave lessons over video to friends abroad. The friends told "
                        "their friends, and our teachers now welcome students from wherever "
                        "they live, at times shown in their own time zone.</p><h2>How we teach"
                        "</h2><p>Every lesson is one to one and built around speaking. Your "
                        "teacher listens, corrects gently and plans the lesson around the goal "
                        "you give when you book.</p>"
                    ),
                },
                {
                    "type": "cta_band",
                    "value": {
                        "heading": "Ready for your first lesson?",
                        "text": "Pick a teacher and a time. That is all.",
                    },
                },
            ]
        ),
    )
    home.add_child(instance=about)
    _publish(about)


def _ensure_contact_page(home):
    if ContactPage.objects.exists():
        return
    contact = ContactPage(
        title="Contact us",
        slug="contact",
        intro="<p>Questions about lessons, teachers or payments? Write to us and we will answer "
        "within one working day.</p>",
        thank_you_text="<p>Merci! We have your message and will reply within one working day.</p>",
        subject="New message from the Petit Talk contact form",
        search_description="Write to the Petit Talk team about lessons, teachers or payments.",
    )
    home.add_child(instance=contact)
    for order, (label, field_type) in enumerate(
        (("Name", "singleline"), ("Email", "email"), ("Message", "multiline"))
    ):
        ContactFormField.objects.create(
            page=contact, sort_order=order, label=label, field_type=field_type, required=True
        )
    _publish(contact)


def _teacher_name(slug):
    """Blog posts are signed by real demo teachers (accounts.demo), by their public name."""
    return next(spec["display_name"] for spec in TEACHERS if spec["slug"] == slug)


BLOG_POSTS = (
    {
        "slug": "ten-phrases-for-your-first-french-conversation",
        "title": "Ten phrases for your first French conversation",
        "date": date(2026, 9, 14),
        "author": _teacher_name("camille-martin"),
        "intro": "Greetings, small talk and a polite way out: the phrases our teachers hear "
        "students need most in their first lesson.",
        "tags": ["beginners", "speaking"],
        "body": "<p>The first conversation is the hardest, and it is also the one that teaches "
        "you most. Start with <i>Bonjour, je m'appelle…</i> and <i>Enchanté(e)</i>, then keep "
        "the talk going with <i>Et vous ?</i>. When you are lost, <i>Pouvez-vous répéter plus "
        "lentement, s'il vous plaît ?</i> is your best friend.</p><h2>Keep it flowing</h2><p>"
        "<i>C'est-à-dire ?</i> asks for an explanation, <i>Ah bon ?</i> shows surprise and "
        "<i>Je suis d'accord</i> agrees. Practise them aloud before your lesson.</p>",
        "colours": ((60, 120, 200), RED),
    },
    {
        "slug": "how-to-prepare-for-the-delf-b1",
        "title": "How to prepare for the DELF B1 in three months",
        "date": date(2026, 10, 2),
        "author": _teacher_name("lea-dubois"),  # she prepares students for the DELF
        "intro": "A week-by-week plan for the four parts of the exam, with the habits that "
        "made the difference for our students.",
        "tags": ["exams", "DELF"],
        "body": "<p>The DELF B1 tests listening, reading, writing and speaking. Spread your "
        "preparation: two short listening sessions a week with French radio, one letter or "
        "opinion text corrected by your teacher, and a mock oral every fortnight.</p><h2>The "
        "last month</h2><p>Sit full timed papers and review every mistake. Most students gain "
        "more from correcting five errors well than from writing five new essays.</p>",
        "colours": ((30, 70, 140), (230, 160, 60)),
    },
    {
        "slug": "learning-french-with-films",
        "title": "Learning French with films: a teacher's shortlist",
        "date": date(2026, 11, 5),
        "author": _teacher_name("camille-martin"),
        "intro": "Five films that are fun to watch and good for your ear, from easy to "
        "challenging, with tips on using subtitles well.",
        "tags": ["culture", "listening"],
        "body": "<p>Watch first with subtitles in your own language, then again with French "
        "subtitles, then without. Pause to repeat lines you like: imitation is how your "
        "pronunciation improves.</p><h2>Our shortlist</h2><ul><li><i>Le Fabuleux Destin "
        "d'Amélie Poulain</i></li><li><i>Intouchables</i></li><li><i>Le Petit Nicolas</i></li>"
        "<li><i>La Famille Bélier</i></li><li><i>Bienvenue chez les Ch'tis</i></li></ul>",
        "colours": ((90, 60, 150), RED),
    },
)


def _ensure_blog(home):
    blog = BlogIndexPage.objects.child_of(home).first()
    if blog is None:
        blog = BlogIndexPage(
            title="Blog",
            slug="blog",
            intro="<p>Tips from our teachers on learning and speaking French.</p>",
            search_description="French learning tips, exam advice and culture from Petit Talk.",
        )
        home.add_child(instance=blog)
        _publish(blog)
    for post in BLOG_POSTS:
        if BlogPage.objects.filter(slug=post["slug"]).exists():
            continue
        page = BlogPage(
            title=post["title"],
            slug=post["slug"],
            date=post["date"],
            author=post["author"],
            intro=post["intro"],
            lead_image=_demo_image(post["title"], *post["colours"]),
            body=json.dumps([{"type": "rich_text", "value": post["body"]}]),
        )
        page.tags.add(*post["tags"])
        blog.add_child(instance=page)
        _publish(page)
