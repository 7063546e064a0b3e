"""Money is an integer number of euro cents; this turns it into text like "€18.00".

It lives in site_config (which depends on no app) so every app and template can format
money the same way: Python calls ``format_cents``, templates use the ``money`` filter.
"""

from decimal import Decimal


def format_cents(cents, currency_symbol="€"):
    """Format cents as euros with two decimals, through Decimal (never float)."""
    amount = (Decimal(int(cents)) / Decimal(100)).quantize(Decimal("0.01"))
    sign = "−" if amount < 0 else ""
    return f"{sign}{currency_symbol}{abs(amount):,.2f}"
