"""Editors' permissions come from one function, ``accounts.roles.grant_editor_permissions``
(run by a data migration and by ``load_demo``): editors open and edit pages, offers,
testimonials, reviews and the newsletter in the Wagtail admin, never bookings, orders or
teachers."""

import importlib.util
import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page, Site

from accounts import roles
from booking.wagtail_hooks import booking_viewset
from cms_pages.models import Campaign, Comment, ContentPage, HomePage, Subscriber
from commerce.models import Offer, OfferKind
from commerce.wagtail_hooks import order_viewset

pytestmark = pytest.mark.django_db


def snippet_url(model, view, *args):
    return reverse(model.snippet_viewset.get_url_name(view), args=args)


@pytest.fixture
def page(db):
    home = Page.get_first_root_node().add_child(
        instance=HomePage(title="Petit Talk", slug="petit-talk-home", body=[])
    )
    about = home.add_child(instance=ContentPage(title="About us", slug="about"))
    Site.objects.filter(is_default_site=True).update(root_page=home)
    return about


@pytest.fixture
def offer(db):
    return Offer.objects.create(
        name="Spring offer",
        kind=OfferKind.PERCENTAGE,
        value=10,
        starts_at=timezone.now() - timedelta(days=1),
        active=True,
    )


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def editor_codenames():
    return set(Group.objects.get(name=roles.EDITORS).permissions.values_list("codename", flat=True))


def test_editors_open_the_admin_and_edit_and_publish_pages(editor_client, editor, page):
    assert editor_client.get(reverse("wagtailadmin_home")).status_code == 200
    assert editor_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
    permissions = page.permissions_for_user(editor)
    assert permissions.can_edit()
    assert permissions.can_publish()
    assert permissions.can_add_subpage()


def test_editors_edit_offers(editor_client, offer):
    assert editor_client.get(snippet_url(Offer, "list")).status_code == 200
    assert editor_client.get(snippet_url(Offer, "add")).status_code == 200
    assert editor_client.get(snippet_url(Offer, "edit", offer.pk)).status_code == 200


def test_editors_moderate_testimonials(editor_client, student):
    comment = Comment.objects.create(author=student, text="Lovely teachers")
    assert editor_client.get(snippet_url(Comment, "list")).status_code == 200
    assert editor_client.get(snippet_url(Comment, "edit", comment.pk)).status_code == 200


def test_editors_manage_the_newsletter(editor_client):
    subscriber = Subscriber.objects.create(email="reader@example.com", source="test")
    assert editor_client.get(snippet_url(Subscriber, "list")).status_code == 200
    assert editor_client.get(snippet_url(Subscriber, "edit", subscriber.pk)).status_code == 200
    assert editor_client.get(snippet_url(Campaign, "add")).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        reverse(booking_viewset.get_url_name("index")),
        reverse(order_viewset.get_url_name("index")),
        "/admin/teachers/",
    ],
    ids=["bookings", "orders", "teachers"],
)
def test_editors_never_reach_bookings_orders_or_teachers(editor_client, url):
    response = editor_client.get(url)
    assert response.status_code in (302, 403)
    assert editor_client.get(reverse("wagtailadmin_home")).status_code == 200


def test_editors_hold_no_booking_order_or_teacher_permission():
    codenames = editor_codenames()
    assert not {c for c in codenames if c.endswith(("_booking", "_order", "_teacher"))}


def test_one_function_grants_all_of_it_and_is_idempotent():
    group = Group.objects.get(name=roles.EDITORS)
    group.permissions.clear()
    GroupPagePermission.objects.filter(group=group).delete()
    roles.grant_editor_permissions(apps)
    roles.grant_editor_permissions(apps)
    assert editor_codenames() == {
        f"{action}_{model}"
        for (_, model), actions in roles.EDITOR_MODEL_PERMISSIONS.items()
        for action in actions
    }
    assert {"access_admin", "add_offer", "change_comment", "change_subscriber"} <= (
        editor_codenames()
    )
    assert GroupPagePermission.objects.filter(group=group).count() == len(
        roles.EDITOR_PAGE_PERMISSIONS
    )


def test_the_other_grant_paths_are_gone():
    import commerce.permissions

    assert importlib.util.find_spec("cms_pages.permissions") is None
    # The community grant went with the flat community module (issue 13 layout).
    assert importlib.util.find_spec("cms_pages.models.community") is None
    assert not hasattr(commerce.permissions, "grant_editor_offer_permissions")


def test_load_demo_on_a_flushed_database_gives_editors_their_page_permissions(
    transactional_db, client
):
    call_command("flush", "--noinput", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    editor = get_user_model().objects.get(email="editor@petittalk.example")
    home = HomePage.objects.get()
    assert home.permissions_for_user(editor).can_edit()
    assert {"access_admin", "change_offer", "change_comment"} <= editor_codenames()
