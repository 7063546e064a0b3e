"""Page factories (wagtail-factories) for tests and benchmarks.

``HomePageFactory()`` adds a home page under the tree root and makes it the default site's
root; the other page factories add their page under the default site's home unless given a
``parent``. Every page is published (it has a live revision, as editors' pages do).
"""

import datetime

import factory
import wagtail_factories
from wagtail.models import Page, Site

from .models import BlogIndexPage, BlogPage, ContactFormField, ContactPage, ContentPage, HomePage


def site_home():
    """The default site's root page: where content pages go unless told otherwise."""
    return Site.objects.get(is_default_site=True).root_page


def numbered(base):
    """Slugs ``base``, ``base-1``, ``base-2``…: siblings made by one factory never clash."""
    return factory.Sequence(lambda n: base if n == 0 else f"{base}-{n}")


def _publish(obj, create, extracted, **kwargs):
    if create and extracted is not False:
        obj.save_revision().publish()
        obj.refresh_from_db()


class PublishedPageFactory(wagtail_factories.PageFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True  # publishing saves the page

    parent = factory.LazyFunction(site_home)
    publish = factory.PostGeneration(_publish)


class HomePageFactory(PublishedPageFactory):
    """The home page, made the default site's root (``as_site_root=False`` to keep it out)."""

    class Meta:
        model = HomePage

    parent = factory.LazyFunction(Page.get_first_root_node)
    title = "Petit Talk"
    slug = numbered("petit-talk-home")
    body = factory.LazyFunction(list)

    @factory.post_generation
    def as_site_root(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            site = Site.objects.get(is_default_site=True)
            site.root_page = obj
            site.save()  # save(), not update(): it clears Wagtail's cached site root paths


class ContentPageFactory(PublishedPageFactory):
    class Meta:
        model = ContentPage

    title = "About us"
    slug = numbered("about")
    intro = "Who we are."


class ContactPageFactory(PublishedPageFactory):
    """The contact page with its three required fields: Name, Email and Message."""

    class Meta:
        model = ContactPage

    title = "Contact us"
    slug = numbered("contact")
    to_address = ""

    @factory.post_generation
    def form_fields(obj, create, extracted, **kwargs):
        if not create:
            return
        fields = extracted or (("Name", "singleline"), ("Email", "email"), ("Message", "multiline"))
        for order, (label, field_type) in enumerate(fields):
            ContactFormField.objects.create(
                page=obj, sort_order=order, label=label, field_type=field_type, required=True
            )


class BlogIndexPageFactory(PublishedPageFactory):
    class Meta:
        model = BlogIndexPage

    title = "Blog"
    slug = numbered("blog")


class BlogPageFactory(PublishedPageFactory):
    """A blog post; ``tags=["beginners"]`` tags it. Its parent must be a blog index."""

    class Meta:
        model = BlogPage

    parent = factory.SubFactory(BlogIndexPageFactory)
    title = "Ten phrases for your first conversation"
    slug = numbered("ten-phrases")
    date = datetime.date(2026, 9, 14)
    author = "Camille Laurent"
    intro = "The phrases students need most."
    body = factory.LazyFunction(list)

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.add(*extracted)

    publish = factory.PostGeneration(_publish)  # after the tags, so the revision has them
