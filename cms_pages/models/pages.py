"""Page types. Pages stay thin: fields, panels, where they may live, and the queries their
templates need."""

from django.db import models, transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.forms import FormBuilder
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms_pages.blocks import ContentStreamBlock, HomeStreamBlock
from site_config.mail import send_templated_email
from site_config.ratelimit import over_limit
from site_config.spreadsheets import inert_export_view

from .site_settings import SiteSettings

__all__ = [
    "BlogIndexPage",
    "BlogPage",
    "BlogPageTag",
    "ContactFormField",
    "ContactPage",
    "ContentPage",
    "HomePage",
]


class HomePage(Page):
    """The site's root page."""

    intro = RichTextField(blank=True, help_text="Optional text shown under the title.")
    body = StreamField(HomeStreamBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms_pages.ContentPage", "cms_pages.ContactPage", "cms_pages.BlogIndexPage"]

    class Meta:
        verbose_name = "home page"


class ContentPage(Page):
    """An editorial page such as "About us" or "How it works"."""

    intro = models.TextField(blank=True, max_length=400)
    body = StreamField(ContentStreamBlock(), blank=True, use_json_field=True)

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["cms_pages.HomePage", "cms_pages.ContentPage"]
    subpage_types = ["cms_pages.ContentPage"]

    class Meta:
        verbose_name = "content page"


class ContactFormField(AbstractFormField):
    page = ParentalKey(
        "cms_pages.ContactPage", on_delete=models.CASCADE, related_name="form_fields"
    )


CONTACT_MESSAGE_MAX_LENGTH = 5000
CONTACT_MESSAGE_TOO_LONG = "Please keep your message under 5,000 characters."


class ContactFormBuilder(FormBuilder):
    """The contact form's fields as editors define them, with multi-line fields (the message)
    limited to ``CONTACT_MESSAGE_MAX_LENGTH`` characters and a clear error beyond."""

    def create_multiline_field(self, field, options):
        options["max_length"] = CONTACT_MESSAGE_MAX_LENGTH
        options.setdefault("error_messages", {})["max_length"] = CONTACT_MESSAGE_TOO_LONG
        return super().create_multiline_field(field, options)


class ContactPage(AbstractEmailForm):
    """Contact form: each submission is stored and emailed to the contact address from the
    site settings; the page also shows that address and the social links."""

    form_builder = ContactFormBuilder

    intro = RichTextField(blank=True)
    thank_you_text = RichTextField(blank=True, default="<p>Thank you, we will reply soon.</p>")

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Form fields"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("from_address")]), FieldPanel("subject")],
            heading="Email",
            help_text="Messages go to the contact email set in Settings → Site settings.",
        ),
    ]

    parent_page_types = ["cms_pages.HomePage", "cms_pages.ContentPage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "contact page"

    # Each address may send this many messages per hour (spam brake; django-ratelimit rate).
    messages_rate = "10/h"

    def serve(self, request, *args, **kwargs):
        if request.method == "POST" and over_limit(
            request, "contact-form", per_address=self.messages_rate
        ):
            context = self.get_context(request)
            context["form"] = self.get_form(request.POST, page=self, user=request.user)
            context["rate_limited"] = True
            return TemplateResponse(request, self.get_template(request), context, status=429)
        return super().serve(request, *args, **kwargs)

    def contact_address(self):
        """Where messages go: the site's contact email (the page's own address as fallback)."""
        site = self.get_site()
        address = SiteSettings.for_site(site).contact_email if site else ""
        return address or self.to_address

    def process_form_submission(self, form):
        submission = self.get_submission_class().objects.create(
            form_data=form.cleaned_data, page=self
        )
        address = self.contact_address()
        if address:
            self.send_contact_email(form, address)
        return submission

    def get_submissions_list_view_class(self):
        """Wagtail's submissions listing, whose CSV/XLSX exports run no formulas."""
        return inert_export_view(super().get_submissions_list_view_class())

    def send_contact_email(self, form, address):
        """Email the message in a background task once the submission is saved."""
        fields = [
            (field.label, _as_text(form.cleaned_data.get(field.clean_name)))
            for field in self.get_form_fields()
        ]
        reply_to = form.cleaned_data.get("email") or form.cleaned_data.get("your_email")
        context = {
            "page_title": self.title,
            "subject": self.subject or f"New message from {self.title}",
            "fields": fields,
            "submitted_at": timezone.now().isoformat(timespec="minutes"),
        }
        headers = {"Reply-To": reply_to} if reply_to else None
        transaction.on_commit(
            lambda: send_templated_email.enqueue(
                "cms_pages/emails/contact_message", context, [address], headers=headers
            )
        )


def _as_text(value):
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


class BlogIndexPage(Page):
    """Lists the blog posts below it, newest first, optionally filtered by ?tag=."""

    intro = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms_pages.HomePage"]
    subpage_types = ["cms_pages.BlogPage"]

    class Meta:
        verbose_name = "blog index page"

    def posts(self, tag=None):
        posts = (
            BlogPage.objects.live()
            .public()
            .child_of(self)
            .select_related("lead_image")
            .prefetch_related("tags", "lead_image__renditions")
            .order_by("-date", "-pk")
        )
        if tag:
            posts = posts.filter(tags__slug=tag)
        return posts

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["tag"] = request.GET.get("tag", "")[:100]
        context["posts"] = self.posts(tag=context["tag"])
        return context


class BlogPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms_pages.BlogPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class BlogPage(Page):
    """A blog post (SEO article)."""

    date = models.DateField("post date", default=timezone.localdate)
    author = models.CharField(max_length=100)
    intro = models.TextField(max_length=400, help_text="One or two sentences shown in listings.")
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(through=BlogPageTag, blank=True)
    body = StreamField(ContentStreamBlock(), blank=True, use_json_field=True)

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("date"), FieldPanel("author")]), FieldPanel("tags")],
            heading="Post information",
        ),
        FieldPanel("intro"),
        FieldPanel("lead_image"),
        FieldPanel("body"),
    ]

    parent_page_types = ["cms_pages.BlogIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "blog post"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["post_tags"] = list(self.tags.all())
        context["blog_index"] = self.get_parent().specific
        return context
