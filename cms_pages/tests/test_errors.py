from django.test import RequestFactory

from cms_pages import views


def test_unknown_url_shows_the_branded_404(client, home, site_settings):
    response = client.get("/this-page-does-not-exist/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_500_page_renders_without_database_or_context_processors(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        response = views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "something went wrong" in html
    assert "/static/css/site.css" in html


def test_handlers_point_at_the_branded_views():
    from site_config import urls

    assert urls.handler404 == "cms_pages.views.page_not_found"
    assert urls.handler500 == "cms_pages.views.server_error"
