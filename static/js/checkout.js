/* Checkout with Stripe's Payment Element. Loaded only on /checkout/ (after Stripe.js).
   The server computes every amount: this script sends billing details, receives the
   client secret of the order's one PaymentIntent, and asks Stripe to confirm it. When the
   basket changed since the page was shown, the server answers with a page to go back to
   instead, so the student never pays a total they have not seen. */
(function () {
  "use strict";

  var form = document.getElementById("checkout-form");
  if (!form || !form.dataset.stripeKey || typeof window.Stripe !== "function") {
    return;
  }
  var stripe = window.Stripe(form.dataset.stripeKey);
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  var paymentElement = elements.create("payment", {
    fields: { billingDetails: { name: "never", email: "never", address: { country: "never" } } }
  });
  paymentElement.mount("#payment-element");

  var button = document.getElementById("checkout-submit");
  var message = document.getElementById("payment-message");

  function showError(text) {
    message.textContent = text;
    message.hidden = false;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) {
      return; // a double click never sends two confirmations
    }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    message.hidden = true;

    elements.submit().then(function (result) {
      if (result.error) {
        throw result.error;
      }
      return fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      });
    }).then(function (response) {
      return response.json().then(function (data) {
        if (data.redirect) {
          // The basket changed (or emptied) since this page was shown: look again first.
          window.location.assign(data.redirect);
          return null;
        }
        if (!response.ok) {
          var fields = Object.keys(data.errors || {});
          throw new Error(fields.length ? "Please check: " + fields.join(", ") + "." : (data.message || "Please try again."));
        }
        return data;
      });
    }).then(function (data) {
      if (!data) {
        return null;
      }
      return stripe.confirmPayment({
        elements: elements,
        clientSecret: data.client_secret,
        confirmParams: {
          return_url: data.return_url,
          payment_method_data: {
            billing_details: {
              name: form.elements.name.value,
              email: form.elements.email.value,
              address: { country: form.elements.country.value }
            }
          }
        }
      });
    }).then(function (result) {
      if (result && result.error) {
        showError(result.error.message);
      }
    }).catch(function (error) {
      showError(error.message || "The payment could not be started. Please try again.");
    });
  });
})();
