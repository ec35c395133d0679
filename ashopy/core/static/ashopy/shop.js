/* ashopy storefront behaviours, kept out of the pages so that the Content-Security-Policy forbids inline
   script. Each one is switched on by a data- attribute in the templates. */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // <select data-autosubmit>: choosing an option sends its form (the language switch, a listing's sort
  // and page size; without JavaScript a <noscript> button sends it).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // <input type=checkbox data-hides="id">: the element with that id is hidden while the box is ticked
  // (the billing address while it is the shipping one). Without JavaScript everything stays shown.
  document.querySelectorAll("input[type=checkbox][data-hides]").forEach(function (box) {
    var target = document.getElementById(box.dataset.hides);
    if (!target) { return; }
    function sync() { target.hidden = box.checked; }
    box.addEventListener("change", sync);
    sync();
  });

  // <form data-confirm="Question?">: sent only once the customer confirms.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });

  // <form data-submit-once>: a second click does not send the form again (placing an order).
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) { event.preventDefault(); return; }
      form.dataset.submitted = "1";
      form.querySelectorAll("button[type=submit]:not([name])").forEach(function (button) { button.disabled = true; });
    });
  });

  // <span data-countdown data-expires="ISO date">: minutes:seconds left until then.
  document.querySelectorAll("[data-countdown][data-expires]").forEach(function (el) {
    var end = Date.parse(el.dataset.expires);
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      el.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left > 0) { setTimeout(tick, 1000); }
    }
    if (!isNaN(end)) { tick(); }
  });
});
