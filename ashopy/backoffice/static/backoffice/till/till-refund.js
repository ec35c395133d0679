// The till's refund screen (retour / échange), loaded after till.js, which exposes window.ashopyTill.
//
// Refund: find a past sale (its number typed or scanned from the receipt — « C1-000042 » or « 42 » —, a day
// on the store's calendar, a customer's name or e-mail; the latest sales are listed first), choose the units
// to take back (0 to what the server says is still refundable), restock or not (yes by default), the method
// (cash, or a method the sale used as the server lists them: mobile money and store credit go back in cash,
// and the screen says so), a reason. The amount to give back is the server's preview
// (POST …/refund/preview/, computed by the refund's own code); until it answers, an estimate is shown as
// « about … ». Confirming posts the refund with an Idempotency-Key made for exactly that choice: a double
// click, or a retry after an answer lost on the network, sends the same key and the server makes one
// refund. Then: the refund ticket's receipt (print view) and, when the sale was invoiced, the credit note.
//
// Exchange (« Échanger »): the same refund, always paid back in cash, then the sale screen opens with a
// cash tender of the refunded amount already in, locked and labelled « from refund C1-000043 ». That cash
// never leaves the drawer: the session records the refund (−X cash) and the new sale's cash (X tendered,
// plus what the customer adds, minus any change given back), so the drawer's count adds up. Lines already
// scanned for the new sale stay; other unlocked tenders are dropped (what is due changed). If the customer
// finally buys nothing, the cashier removes that tender (×) and gives X back in cash: the refund stands as
// a cash refund — as it does if the page is reloaded before the sale, since the tender lives in the page.
//
// Refunds need the network: offline, the button says so and the screen does not open.
(() => {
  "use strict";

  const till = window.ashopyTill;
  if (!till) return;
  const { root, config, api, Offline, errorText, format, toMinor, fmt } = till;
  const T = config.refund.text;
  const $ = (selector) => root.querySelector(selector);
  const OPEN_KEY = "F8";
  const PAYMENT_KEYS = new Set(["F1", "F2", "F3", "F4", "F5"]);
  const PREVIEW_DELAY_MS = 250;
  const when = new Intl.DateTimeFormat(till.lang, {
    dateStyle: "short", timeStyle: "medium", timeZone: config.refund.timezone,
  });
  const signed = (text) => {
    const value = String(text ?? "").trim();
    const minor = toMinor(value.replace(/^-/, ""));
    return value.startsWith("-") ? -minor : minor;
  };

  const button = $("#till-refund-button");
  const buttonLabel = $("#till-refund-button-label");
  const label = buttonLabel.textContent;
  const section = $("#till-refund");
  const results = $("#till-refund-results");
  const query = $("#till-refund-q");
  const state = { detail: null, quantities: new Map(), preview: null, key: null, keyFor: null, busy: false, asked: 0 };
  let previewTimer = null;

  const status = (text) => { $("#till-refund-status").textContent = text; };
  const error = (text) => { $("#till-refund-error").textContent = text; };
  const failure = (caught) => (caught instanceof Offline ? T.needs_network : T.server_error);
  const element = (tag, className = "", text = "") => {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text) made.textContent = text;
    return made;
  };
  const stepButton = (text, handler, attributes) => {
    const made = element("button", "btn btn-outline-secondary till-step", text);
    made.type = "button";
    Object.entries(attributes).forEach(([name, value]) => made.setAttribute(name, value));
    made.addEventListener("click", handler);
    return made;
  };

  // --- the network ---------------------------------------------------------------------------------
  const showNetwork = (online) => {
    button.disabled = !online;
    buttonLabel.textContent = online ? label : T.offline_button;
  };
  root.addEventListener("till:network", (event) => showNetwork(event.detail.online));
  showNetwork(till.online());

  // --- opening and closing the screen --------------------------------------------------------------
  const open = () => {
    if (!till.session() || button.hidden) return;
    if (!till.online()) { till.message(T.needs_network); return; }
    till.message("");
    $("#till-sell").hidden = true;
    $("#till-done").hidden = true;
    section.hidden = false;
    showTicket(null);
    query.value = "";
    search();
    query.focus();
  };
  const close = () => {
    section.hidden = true;
    $("#till-sell").hidden = false;
    $("#till-scan").focus();
  };
  button.addEventListener("click", open);
  // The session closed (its form to open one is shown): no refund screen without a session.
  new MutationObserver(() => { if (!$("#till-open").hidden) section.hidden = true; })
    .observe($("#till-open"), { attributes: true, attributeFilter: ["hidden"] });
  $("#till-refund-back").addEventListener("click", close);
  window.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || document.querySelector("dialog[open]")) return;
    if (event.key === OPEN_KEY) {
      event.preventDefault();
      if (section.hidden) open();
      else query.focus();
    } else if (!section.hidden && PAYMENT_KEYS.has(event.key)) {
      event.preventDefault(); // the payment keys belong to the sale screen
      event.stopPropagation();
    }
  }, true);

  // --- finding the sale ----------------------------------------------------------------------------
  const resultItem = (row) => {
    const item = element("button", "list-group-item list-group-item-action till-refund-result");
    item.type = "button";
    item.dataset.testid = "refund-result";
    const top = element("span", "d-flex justify-content-between gap-2");
    top.append(element("strong", "staff-nowrap", row.reference),
      element("span", "staff-nowrap fw-semibold", format(signed(row.total))));
    const bottom = element("span", "d-flex justify-content-between gap-2 small text-body-secondary");
    bottom.append(element("span", "staff-nowrap", when.format(new Date(row.created_at))),
      element("span", "text-truncate", row.customer_email || T.no_customer));
    item.append(top, bottom);
    item.dataset.ticket = String(row.id);
    item.addEventListener("click", () => choose(row.id));
    return item;
  };
  const search = async () => {
    const q = query.value.trim();
    const day = $("#till-refund-date").value;
    const params = new URLSearchParams({ kind: "sale" });
    if (q) params.set("q", q);
    if (day) params.set("date", day);
    status(T.searching);
    let answer;
    try {
      answer = await api("GET", `tickets/?${params}`);
    } catch (caught) {
      status(failure(caught));
      return;
    }
    if (!answer.ok) { status(errorText(answer.data)); return; }
    const rows = answer.data.results || [];
    status(!rows.length ? T.no_ticket : q || day ? fmt(T.found, { n: answer.data.count }) : T.latest);
    results.replaceChildren(...rows.map(resultItem));
    if (rows.length === 1 && q) choose(rows[0].id); // a number typed or scanned: straight to its lines
  };
  $("#till-refund-search").addEventListener("submit", (event) => { event.preventDefault(); search(); });

  // --- the chosen sale -----------------------------------------------------------------------------
  const chosen = () => Array.from(state.quantities.entries()).filter(([, quantity]) => quantity > 0)
    .map(([line, quantity]) => ({ line, quantity }));
  const choose = async (id) => {
    let answer;
    try {
      answer = await api("GET", `tickets/${id}/`);
    } catch (caught) {
      status(failure(caught));
      return;
    }
    if (!answer.ok) { status(errorText(answer.data)); return; }
    showTicket(answer.data);
  };
  const showTicket = (detail) => {
    state.detail = detail;
    state.quantities = new Map();
    state.preview = null;
    $("#till-refund-done").hidden = true;
    $("#till-refund-ticket").hidden = !detail;
    error("");
    results.querySelectorAll("[data-ticket]").forEach((item) => {
      const current = Boolean(detail) && item.dataset.ticket === String(detail.ticket.id);
      item.classList.toggle("active", current);
      if (current) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    });
    if (!detail) return;
    const { ticket } = detail;
    $("#till-refund-reference").textContent = fmt(T.ticket_title, { reference: ticket.reference });
    $("#till-refund-meta").textContent = [
      fmt(T.sold_on, { date: when.format(new Date(ticket.created_at)), total: format(signed(ticket.total)) }),
      ticket.customer_email || T.no_customer,
    ].join(" · ");
    const left = (line) => detail.refundable[String(line.id)] || 0;
    const anything = detail.lines.some((line) => left(line) > 0);
    $("#till-refund-nothing").hidden = anything;
    $("#till-refund-nothing").textContent = anything ? "" : T.nothing_left;
    $("#till-refund-options").hidden = !anything;
    renderMethods(detail);
    $("#till-refund-restock").checked = true;
    $("#till-refund-reason").value = "";
    renderLines();
    const first = root.querySelector("[data-testid=refund-quantity]:not([disabled])");
    if (first) first.focus();
  };
  const renderMethods = (detail) => {
    const offered = detail.refund_methods;
    const box = $("#till-refund-methods");
    box.replaceChildren(...offered.flatMap((code, index) => {
      const input = element("input", "btn-check");
      Object.assign(input, { type: "radio", name: "refund-method", id: `refund-method-${code}`, value: code,
        checked: index === 0 });
      const text = element("label", "btn btn-outline-primary till-touch till-refund-method d-inline-flex align-items-center "
        + "justify-content-center", till.methodLabel(code));
      text.htmlFor = input.id;
      text.dataset.testid = `refund-method-${code}`;
      return [input, text];
    }));
    const inCash = [...new Set(detail.payments.map((payment) => payment.method))]
      .filter((code) => code !== "cash" && !offered.includes(code)).map(till.methodLabel);
    const note = $("#till-refund-method-note");
    note.hidden = !inCash.length;
    note.textContent = inCash.length ? fmt(T.method_note, { methods: inCash.join(", ") }) : "";
  };
  const method = () => (root.querySelector("input[name=refund-method]:checked") || { value: "cash" }).value;

  const renderLines = () => {
    const { detail } = state;
    const body = $("#till-refund-lines tbody");
    body.replaceChildren(...detail.lines.map((line) => {
      const left = detail.refundable[String(line.id)] || 0;
      const quantity = state.quantities.get(line.id) || 0;
      const row = element("tr");
      row.dataset.testid = "refund-line";
      const name = element("td", "", line.label);
      const facts = element("div", "small text-body-secondary");
      [line.sku, fmt(T.sold, { n: line.quantity }), fmt(T.left, { n: left })].forEach((fact, index) => {
        if (index) facts.append(" · ");
        facts.append(element("span", "staff-nowrap", fact));
      });
      // On a phone the amount goes under the product (the table keeps to the screen's width).
      name.append(facts, element("div", "d-sm-none fw-semibold staff-nowrap", lineAmount(line, quantity)));
      const steps = element("td", "text-nowrap");
      const input = element("input", "form-control till-quantity d-inline-block");
      Object.assign(input, { type: "number", min: "0", max: String(left), inputMode: "numeric", value: String(quantity),
        disabled: !left });
      input.setAttribute("aria-label", fmt(T.quantity_of, { product: line.label }));
      input.dataset.testid = "refund-quantity";
      input.addEventListener("change", () => {
        const value = Number.parseInt(input.value, 10);
        setQuantity(line, Number.isInteger(value) ? value : 0, left);
      });
      steps.append(
        stepButton("−", () => setQuantity(line, quantity - 1, left), { "aria-label": T.less, "data-testid": "refund-less" }),
        input,
        stepButton("+", () => setQuantity(line, quantity + 1, left), { "aria-label": T.more, "data-testid": "refund-more" }),
      );
      steps.querySelectorAll("button").forEach((step) => { step.disabled = !left; });
      row.append(name, steps, element("td", "text-end staff-amount d-none d-sm-table-cell", lineAmount(line, quantity)));
      return row;
    }));
    renderAmount();
  };
  const setQuantity = (line, value, left) => {
    state.quantities.set(line.id, Math.max(0, Math.min(value, left)));
    state.preview = null;
    renderLines();
    askPreview();
  };
  // A display estimate only (the line's amount pro rata); the amount given back is the server's preview.
  const estimate = (line, quantity) => Math.round((signed(line.gross) * quantity) / line.quantity);
  const lineAmount = (line, quantity) => {
    if (!quantity) return "";
    const previewed = state.preview && state.preview.lines.get(line.id);
    return previewed !== undefined ? format(previewed) : fmt(T.estimate, { amount: format(estimate(line, quantity)) });
  };
  const renderAmount = () => {
    const lines = chosen();
    const amount = $("#till-refund-amount");
    if (!lines.length) amount.textContent = T.choose_units;
    else if (state.preview) amount.textContent = format(state.preview.total);
    else {
      const byId = new Map(state.detail.lines.map((line) => [line.id, line]));
      const sum = lines.reduce((total, item) => total + estimate(byId.get(item.line), item.quantity), 0);
      amount.textContent = fmt(T.estimate, { amount: format(sum) });
    }
    renderButtons();
  };
  const renderButtons = () => {
    const ready = Boolean(state.preview) && chosen().length > 0 && !state.busy;
    $("#till-refund-confirm").disabled = !ready;
    $("#till-refund-exchange").disabled = !ready;
  };

  const askPreview = () => {
    clearTimeout(previewTimer);
    const lines = chosen();
    const asked = ++state.asked;
    if (!lines.length) return;
    previewTimer = setTimeout(async () => {
      let answer;
      try {
        answer = await api("POST", `tickets/${state.detail.ticket.id}/refund/preview/`, { lines });
      } catch (caught) {
        if (asked === state.asked) error(failure(caught));
        return;
      }
      if (asked !== state.asked) return; // the choice changed meanwhile
      if (!answer.ok) { error(errorText(answer.data)); return; }
      error("");
      state.preview = {
        total: -signed(answer.data.total),
        lines: new Map(answer.data.lines.map((line) => [line.line, -signed(line.gross)])),
      };
      renderLines();
    }, PREVIEW_DELAY_MS);
  };

  // --- refunding -----------------------------------------------------------------------------------
  const refund = async (exchange) => {
    if (state.busy || !state.preview || !chosen().length) return;
    const body = { till: config.till.id, lines: chosen(), method: exchange ? "cash" : method(),
      restock: $("#till-refund-restock").checked, reason: $("#till-refund-reason").value.trim() };
    const ticketId = state.detail.ticket.id;
    const signature = JSON.stringify([ticketId, body]);
    if (state.keyFor !== signature) { state.key = till.uuid(); state.keyFor = signature; } // one key per refund
    state.busy = true;
    renderButtons();
    error("");
    let answer;
    try {
      answer = await api("POST", `tickets/${ticketId}/refund/`, body, { "Idempotency-Key": state.key });
    } catch (caught) {
      error(failure(caught)); // sent again with the same key, it is still one refund
      return;
    } finally {
      state.busy = false;
      renderButtons();
    }
    if (answer.status !== 201 && answer.status !== 200) { error(errorText(answer.data)); return; }
    const data = answer.data;
    const amount = -signed(data.ticket.total);
    if (body.restock) till.restocked(data.lines.map((line) => ({ variant: line.variant, quantity: -line.quantity })));
    if (exchange) {
      section.hidden = true;
      till.startExchange(amount, fmt(T.exchange_tender, { reference: data.ticket.reference }));
      till.message(fmt(T.exchange_started, { amount: format(amount), reference: data.ticket.reference }), "info");
      return;
    }
    showDone(data, amount, body.method);
  };
  const showDone = (data, amount, code) => {
    $("#till-refund-ticket").hidden = true;
    $("#till-refund-done").hidden = false;
    $("#till-refund-done-text").textContent = fmt(T.refunded, {
      reference: data.ticket.reference, amount: format(amount), method: till.methodLabel(code),
    });
    $("#till-refund-receipt").href = config.urls.receipt.replace("/0/", `/${data.ticket.id}/`);
    const credit = $("#till-refund-credit");
    credit.hidden = !data.invoice;
    if (data.invoice) {
      credit.textContent = fmt(T.credit_note, { number: data.invoice.number });
      credit.href = config.refund.credit_note_url.replace("/0/", `/${data.invoice.id}/`);
    }
    $("#till-refund-again").focus();
  };
  $("#till-refund-confirm").addEventListener("click", () => refund(false));
  $("#till-refund-exchange").addEventListener("click", () => refund(true));
  $("#till-refund-again").addEventListener("click", () => {
    showTicket(null);
    query.value = "";
    search();
    query.focus();
  });
})();
