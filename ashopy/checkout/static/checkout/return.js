/* The page the payment provider sends the customer back to without payment (checkout/cancelled.html).
   Its form cancels the payment and puts the held items back; this script sends it at once, so that the
   customer lands in the cart, while the GET of the address itself changes nothing (a link preview or a
   prefetch may make it). A page prerendered by the browser waits until it is really shown. */
"use strict";

(function () {
  function send() {
    var form = document.querySelector("form[data-return-cancel]");
    if (form) { form.submit(); }
  }
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
