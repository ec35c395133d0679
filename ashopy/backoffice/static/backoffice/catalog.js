// Live "12 / 60" counters under the search-engine fields; the server renders them, this only updates them.
document.querySelectorAll("[data-counter-of]").forEach(function (counter) {
  var input = document.getElementById(counter.dataset.counterOf);
  if (!input) { return; }
  var limit = counter.textContent.split("/")[1].trim();
  input.addEventListener("input", function () { counter.textContent = input.value.length + " / " + limit; });
});
