"""A local HTTP server for calendar-feed tests: ``http.server`` in a thread on 127.0.0.1:0.

Each test says what a path answers (``serve``): a body, a status, headers, an ETag (answered
with 304 when the client sends it back), a delay before answering, or no Content-Length.
``requests`` records the headers of every request, so tests can check what was sent.
"""

import contextlib
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict = field(default_factory=dict)
    etag: str = ""
    delay: float = 0.0
    content_length: bool = True


class FeedServer:
    def __init__(self, *, tls_context: ssl.SSLContext | None = None):
        self.routes = {}
        self.requests = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        if tls_context is not None:
            self.httpd.socket = tls_context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.scheme = "https" if tls_context else "http"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def serve(self, path, body=b"", **options):
        self.routes[path] = Route(body=body.encode() if isinstance(body, str) else body, **options)
        return self.url(path)

    def url(self, path, host="127.0.0.1"):
        return f"{self.scheme}://{host}:{self.port}{path}"


def _handler(server):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            server.requests.append({"path": self.path, "headers": dict(self.headers)})
            route = server.routes.get(self.path.split("?", 1)[0])
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                time.sleep(route.delay)
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            headers = {"Content-Type": "text/calendar; charset=utf-8", **route.headers}
            if route.etag:
                headers["ETag"] = route.etag
            if route.content_length:
                headers["Content-Length"] = str(len(route.body))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            # The client may stop reading (the size limit): what such a test wants.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

        def log_message(self, format, *args):
            pass

    return Handler
