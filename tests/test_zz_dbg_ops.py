from tests.test_page_cache import *  # noqa
from site_config import page_cache

def test_dbg(client, about, monkeypatch):
    from django.db.models.signals import post_save
    def spy(sender, **kw):
        print("SAVE", sender._meta.label_lower, page_cache._model_purges(sender))
    post_save.connect(spy, weak=False)
    r = client.get("/about/")
    print(r["X-Page-Cache"], r.get("Cache-Control"))
    r = client.get("/about/")
    print(r["X-Page-Cache"])
    assert 0
