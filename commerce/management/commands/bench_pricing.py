"""Micro-benchmark of ``price_basket``: 20 lessons, 10 running offers, no database."""

import statistics
import time
from datetime import timedelta
from types import SimpleNamespace

from django.core.management.base import BaseCommand
from django.utils import timezone

from commerce.models import Offer, OfferKind
from commerce.pricing import price_basket

BUDGET_MS = 2.0


def sample_basket(now):
    items = [SimpleNamespace(pk=i, price_cents=1500 + 50 * (i % 7)) for i in range(20)]
    start = now - timedelta(days=1)
    kinds = [
        {"kind": OfferKind.PERCENTAGE, "value": 5 + i}
        if i % 3 == 0
        else {"kind": OfferKind.FIXED, "value": 300 * i}
        if i % 3 == 1
        else {"kind": OfferKind.BUNDLE, "bundle_buy": 3 + i % 4, "bundle_free": 1}
        for i in range(10)
    ]
    offers = [
        Offer(name=f"Offer {i}", starts_at=start, active=True, **k) for i, k in enumerate(kinds)
    ]
    return items, offers


class Command(BaseCommand):
    help = "Time price_basket on 20 items and 10 active offers (median must stay under 2 ms)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=2000)

    def handle(self, *args, runs, **options):
        now = timezone.now()
        items, offers = sample_basket(now)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            price_basket(items, offers, now=now)
            timings.append((time.perf_counter() - started) * 1000)
        median = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[18]
        verdict = "OK" if median < BUDGET_MS else "TOO SLOW"
        self.stdout.write(
            f"price_basket, 20 items x 10 offers, {runs} runs: median {median:.3f} ms, "
            f"p95 {p95:.3f} ms (budget {BUDGET_MS} ms) {verdict}"
        )
