from django.urls import path

from . import views

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
]
