from django.urls import path

from . import views
from .credits import views as credit_views

app_name = "commerce"

urlpatterns = [
    path("basket/", views.basket, name="basket"),
    path("basket/code/", views.basket_code, name="basket_code"),
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/start/", views.checkout_start, name="checkout_start"),
    path("checkout/success/", views.checkout_success, name="checkout_success"),
    path("checkout/failure/", views.checkout_failure, name="checkout_failure"),
    path("checkout/dev-pay/<int:pk>/", views.dev_pay, name="dev_pay"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_receipt, name="order_receipt"),
    path("pricing/", credit_views.pricing, name="pricing"),
    path("basket/packs/<int:pk>/add/", credit_views.add_pack, name="add_pack"),
    path("basket/packs/<int:pk>/remove/", credit_views.remove_pack, name="remove_pack"),
    path("credits/", credit_views.my_credits, name="my_credits"),
    path("credits/use/", credit_views.use_credit, name="use_credit"),
    path("credits/series/", credit_views.use_credits_for_series, name="use_credits_for_series"),
    path("credits/waive/<int:pk>/", credit_views.waive, name="waive_late_cancel"),
]
