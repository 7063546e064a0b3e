import pytest

from cms_pages.models import BlogIndexPage, BlogPage, ContactPage, ContentPage, HomePage


def test_home_page_may_only_sit_at_the_tree_root_and_exist_once(root_page, home):
    assert HomePage.parent_page_types == ["wagtailcore.Page"]
    assert not HomePage.can_create_at(root_page), "max_count=1 already reached"
    assert not HomePage.can_create_at(home)


def test_home_page_accepts_content_contact_and_blog_index_children(home):
    assert set(home.specific_class.allowed_subpage_models()) == {
        ContentPage,
        ContactPage,
        BlogIndexPage,
    }
    assert ContentPage.can_create_at(home)
    assert BlogIndexPage.can_create_at(home)
    assert not BlogPage.can_create_at(home)


def test_blog_posts_live_only_under_a_blog_index(blog_index, content_page):
    assert BlogPage.can_create_at(blog_index)
    assert not BlogPage.can_create_at(content_page)
    assert BlogIndexPage.allowed_subpage_models() == [BlogPage]
    assert BlogPage.allowed_subpage_models() == []


def test_content_pages_nest_but_hold_no_blog_or_home(content_page):
    assert ContentPage.can_create_at(content_page)
    assert not BlogIndexPage.can_create_at(content_page)
    assert not HomePage.can_create_at(content_page)


def test_only_one_contact_page_may_exist(contact_page, home):
    assert not ContactPage.can_create_at(home)


@pytest.mark.parametrize(
    "fixture_name", ["home", "content_page", "contact_page", "blog_index", "blog_post"]
)
def test_each_page_type_renders(client, request, site_settings, fixture_name):
    page = request.getfixturevalue(fixture_name)
    response = client.get(page.url)
    assert response.status_code == 200
    assert page.title in response.content.decode()


def test_blog_index_lists_posts_newest_first_and_filters_by_tag(client, blog_index, blog_post):
    older = BlogPage(
        title="An older post about exams",
        slug="older",
        date=blog_post.date.replace(year=2025),
        author="Julien",
        intro="Exams.",
    )
    older.tags.add("exams")
    blog_index.add_child(instance=older)
    older.save_revision().publish()

    html = client.get(blog_index.url).content.decode()
    assert html.index(blog_post.title) < html.index(older.title)

    filtered = client.get(blog_index.url, {"tag": "exams"}).content.decode()
    assert older.title in filtered
    assert blog_post.title not in filtered


def test_draft_blog_posts_are_not_listed(client, blog_index, blog_post):
    blog_post.unpublish()
    assert blog_post.title not in client.get(blog_index.url).content.decode()


def test_blog_post_shows_date_author_tags_and_responsive_lead_image(client, blog_post):
    html = client.get(blog_post.url).content.decode()
    assert 'datetime="2026-09-14"' in html
    assert "Camille Laurent" in html
    assert "?tag=beginners" in html
    assert "<picture>" in html
    assert 'type="image/webp"' in html
    assert 'type="image/avif"' in html
    assert "srcset=" in html
    assert 'width="' in html
    assert 'height="' in html
