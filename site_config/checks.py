"""Deployment checks (``manage.py check --deploy``) for running several app servers."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def check_shared_state(app_configs, **kwargs):
    """Several app servers must share the cache (sessions, rate limits, page cache)."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Warning(
                "The cache is local to each process: sessions, rate limits and the page cache "
                "are not shared between app servers.",
                hint="Set REDIS_URL.",
                id="site_config.W001",
            )
        ]
    return []


@register(deploy=True)
def check_media_storage(app_configs, **kwargs):
    """Uploaded media must survive a restart and be visible to every app server."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend.endswith("FileSystemStorage"):
        return [
            Warning(
                "Uploaded media are stored on the app server's disk, which is lost when a "
                "dyno or container restarts and is not shared between servers.",
                hint="Set AWS_STORAGE_BUCKET_NAME (and the AWS_* credentials).",
                id="site_config.W002",
            )
        ]
    return []


@register(deploy=True)
def check_task_backend(app_configs, **kwargs):
    """Emails must be sent by the worker, not inside the web request."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.endswith("ImmediateBackend") or backend.endswith("DummyBackend"):
        return [
            Warning(
                "Background tasks run inside web requests (or not at all).",
                hint="Use django_tasks_db.DatabaseBackend and run `manage.py db_worker`.",
                id="site_config.W003",
            )
        ]
    return []
