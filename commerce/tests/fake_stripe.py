"""A local fake of the parts of Stripe's API we call, for tests without the internet.

A real HTTP server (``http.server`` in a thread on 127.0.0.1, port 0) answers with
Stripe-shaped JSON, records every request (method, path, form params, Idempotency-Key) and
honours idempotency keys like Stripe: the same key returns the first response again.
Failures are switched on per test (``fail_refunds``, ``fail_intents``). Intents can be
listed (``GET /v1/payment_intents``, newest first, paged) for payment reconciliation.

Also here: ``sign_payload`` signs webhook bodies with Stripe's real scheme.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict
    idempotency_key: str | None
    authorization: str | None = None


@dataclass
class FakeStripe:
    requests: list = field(default_factory=list)
    intents: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)
    idempotent: dict = field(default_factory=dict)
    fail_refunds: str = ""  # message of a refund Stripe rejects
    fail_intents: str = ""  # message when creating an intent fails
    lock: threading.Lock = field(default_factory=threading.Lock)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    url: str = ""

    def calls(self, method, path_prefix):
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    # Handlers return (status, body)

    def handle(self, method, path, params, key):
        if method == "POST" and key and key in self.idempotent:
            return self.idempotent[key]
        response = self._route(method, path, params)
        if method == "POST" and key:
            self.idempotent[key] = response
        return response

    def _route(self, method, path, params):
        parts = path.strip("/").split("/")
        if parts[:2] == ["v1", "payment_intents"]:
            if method == "POST" and len(parts) == 2:
                return self._create_intent(params)
            if method == "GET" and len(parts) == 2:
                return self._list_intents(params)
            intent = self.intents.get(parts[2]) if len(parts) > 2 else None
            if intent is None:
                return _error(404, "resource_missing", "No such payment_intent")
            if method == "GET":
                return 200, intent
            if method == "POST" and len(parts) == 3:
                if "amount" in params:
                    intent["amount"] = int(params["amount"])
                intent["metadata"].update(_nested(params, "metadata"))
                return 200, intent
        if parts[:2] == ["v1", "refunds"] and method == "POST":
            return self._create_refund(params)
        return _error(404, "resource_missing", f"Unrecognized request URL ({method} {path})")

    def _create_intent(self, params):
        if self.fail_intents:
            return _error(500, "api_error", self.fail_intents)
        intent_id = f"pi_fake_{next(self.ids)}"
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": int(params["amount"]),
            "amount_received": 0,
            "currency": params.get("currency", "eur"),
            "status": "requires_payment_method",
            "client_secret": f"{intent_id}_secret_fake",
            "metadata": _nested(params, "metadata"),
            "latest_charge": None,
            "livemode": False,
            "created": int(time.time()),
        }
        self.intents[intent_id] = intent
        return 200, intent

    def _list_intents(self, params):
        """``GET /v1/payment_intents``: newest first, ``created[gte]``, ``limit`` and
        ``starting_after`` paging, answered as a Stripe list (``has_more``, ``data``)."""
        since = int(params.get("created[gte]", 0))
        limit = int(params.get("limit", 10))
        newest_first = sorted(
            (i for i in self.intents.values() if i["created"] >= since),
            key=lambda i: (i["created"], int(i["id"].rsplit("_", 1)[1])),
            reverse=True,
        )
        after = params.get("starting_after")
        if after:
            ids = [i["id"] for i in newest_first]
            newest_first = newest_first[ids.index(after) + 1 :] if after in ids else []
        page = newest_first[:limit]
        return 200, {
            "object": "list",
            "url": "/v1/payment_intents",
            "has_more": len(newest_first) > limit,
            "data": page,
        }

    def _create_refund(self, params):
        if self.fail_refunds:
            return _error(400, "charge_already_refunded", self.fail_refunds)
        refund_id = f"re_fake_{next(self.ids)}"
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": int(params["amount"]),
            "currency": "eur",
            "payment_intent": params.get("payment_intent"),
            "status": "succeeded",
            "metadata": _nested(params, "metadata"),
        }
        self.refunds[refund_id] = refund
        return 200, refund

    # Test helpers

    def add_intent(self, *, amount, metadata=None, status="requires_payment_method", age=0):
        """An intent made elsewhere (another system, the dashboard), ``age`` seconds old."""
        with self.lock:
            _, intent = self._create_intent(
                {"amount": str(amount), "currency": "eur"}
                | {f"metadata[{k}]": v for k, v in (metadata or {}).items()}
            )
            intent["created"] -= age
        if status == "succeeded":
            self.succeed(intent["id"])
        else:
            intent["status"] = status
        return intent

    def succeed(self, intent_id):
        """Mark an intent paid (what Stripe does when the card is accepted)."""
        intent = self.intents[intent_id]
        intent.update(
            status="succeeded", amount_received=intent["amount"], latest_charge=f"ch_{intent_id}"
        )
        return intent


def _nested(params, prefix):
    """``metadata[order_id]=1`` → ``{"order_id": "1"}``."""
    start = f"{prefix}["
    return {k[len(start) : -1]: v for k, v in params.items() if k.startswith(start)}


def _error(status, code, message):
    kind = "api_error" if status >= 500 else "invalid_request_error"
    return status, {"error": {"type": kind, "code": code, "message": message}}


def start_fake_stripe():
    """Start the server; returns ``(fake, stop)``. ``fake.url`` is its base address."""
    fake = FakeStripe()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            split = urlsplit(self.path)
            params = dict(parse_qsl(body or split.query, keep_blank_values=True))
            key = self.headers.get("Idempotency-Key")
            with fake.lock:
                fake.requests.append(
                    RecordedRequest(
                        self.command, split.path, params, key, self.headers.get("Authorization")
                    )
                )
                status, payload = fake.handle(self.command, split.path, params, key)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_fake_{len(fake.requests)}")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format, *args):  # quiet test output
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"

    def stop():
        server.shutdown()
        server.server_close()

    return fake, stop


def sign_payload(payload, secret, timestamp=None):
    """The ``Stripe-Signature`` header for ``payload``: ``t=<ts>,v1=<HMAC-SHA256>``."""
    timestamp = int(timestamp if timestamp is not None else time.time())
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
