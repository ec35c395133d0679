/* <button data-print>: opens the browser's print dialog (kept out of the page: the CSP forbids inline script). */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
