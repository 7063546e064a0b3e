"""Registry for "download my data": each app registers what it holds about a user.

Apps that depend on accounts (booking, commerce, community) register an exporter in their
AppConfig.ready() so accounts never imports them:

    from accounts.exports import register_exporter

    @register_exporter("bookings")
    def export_bookings(user):
        return [...]  # JSON-serialisable
"""

_exporters = {}


def register_exporter(name):
    def decorator(func):
        _exporters[name] = func
        return func

    return decorator


def exporters():
    return dict(_exporters)
