// The till page (caisse): a cashier sells through the POS API (/api/v1/pos/), which decides every
// price, discount, payment and number; what this script computes is only shown until the server's
// answer arrives. When the server cannot be reached, cash and card sales are kept in IndexedDB with
// their Idempotency-Key (a UUID made here) and a local number, and are sent in order when it answers
// again: the server records each key once, so a sale sent twice (a retry, a page closed mid-sync,
// two tabs) is never recorded twice. The catalogue is cached in IndexedDB for the same reason.
(() => {
  "use strict";

  const root = document.getElementById("till-app");
  if (!root) return;
  const config = JSON.parse(document.getElementById("till-config").textContent);
  const T = config.text;
  const lang = document.documentElement.lang || "fr";
  // Search ignores case and accents: « cle » finds « Clé USB ».
  const folded = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase(lang);
  const till = config.till;
  const $ = (selector, scope = root) => scope.querySelector(selector);
  const $$ = (selector, scope = root) => Array.from(scope.querySelectorAll(selector));
  const METHOD_KEYS = { F1: "cash", F2: "card", F3: "wave", F4: "orange_money", F5: "store_credit" };
  const NETWORK_METHODS = new Set(["wave", "orange_money", "store_credit"]);
  const SYNC_EVERY_MS = 4000;

  // --- money, in minor units (XOF: francs; EUR: cents) -------------------------------------------
  let exponent = config.exponent;
  const scale = () => 10 ** exponent;
  const money = new Intl.NumberFormat(lang, {
    style: "currency", currency: config.currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent,
  });
  const format = (minor) => money.format(minor / scale());
  const toMinor = (text) => {
    const cleaned = String(text ?? "").replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
    const [whole, fraction = ""] = cleaned.split(".");
    if (fraction.replace(/0+$/, "").length > exponent) return null;
    return Number(whole) * scale() + Number((fraction + "0".repeat(exponent)).slice(0, exponent) || 0);
  };
  const toText = (minor) => (exponent ? (minor / scale()).toFixed(exponent) : String(minor));
  const half = (value) => Math.floor(value + 0.5 + 1e-9); // half up, for the positive amounts of a sale
  const fmt = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");

  // --- IndexedDB: the catalogue, the outbox of sales to send, the local numbers --------------------
  const dbReady = new Promise((resolve) => {
    if (!window.indexedDB) { resolve(null); return; }
    const open = indexedDB.open("ashopy-till", 1);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore("catalogue", { keyPath: "till" });
      const outbox = db.createObjectStore("outbox", { keyPath: "key" });
      outbox.createIndex("till", "till");
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => resolve(null);
  });
  const store = async (name, mode, work) => {
    const db = await dbReady;
    if (!db) return undefined;
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const request = work(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(request ? request.result : undefined);
      transaction.onerror = () => reject(transaction.error);
    });
  };
  const outbox = {
    all: async () => ((await store("outbox", "readonly", (s) => s.index("till").getAll(till.id))) || [])
      .sort((a, b) => a.seq - b.seq),
    put: (entry) => store("outbox", "readwrite", (s) => s.put(entry)),
    remove: (key) => store("outbox", "readwrite", (s) => s.delete(key)),
  };
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});

  const uuid = () => (crypto.randomUUID ? crypto.randomUUID() : "10000000-1000-4000-8000-100000000000".replace(
    /[018]/g, (c) => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16)));
  // The till's local time with its offset, to the second (« 2026-03-14T18:05:09+01:00 »): when a sale kept
  // offline was made, which the server stores beside its own time of arrival.
  const localTime = (date = new Date()) => {
    const pad = (value) => String(Math.trunc(Math.abs(value))).padStart(2, "0");
    const offset = -date.getTimezoneOffset();
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
      + `${pad(date.getMinutes())}:${pad(date.getSeconds())}${offset < 0 ? "-" : "+"}${pad(offset / 60)}:${pad(offset % 60)}`;
  };
  const localNumber = () => {
    const name = `ashopy-till-${till.id}-local`;
    const next = Number(localStorage.getItem(name) || 0) + 1;
    localStorage.setItem(name, String(next));
    return `${till.code.toUpperCase()}-L${String(next).padStart(4, "0")}`;
  };

  // --- the API ---------------------------------------------------------------------------------
  class Offline extends Error {}
  const api = async (method, path, body, headers = {}) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 15000);
    let response;
    try {
      response = await fetch(path.startsWith("/") ? path : config.urls.api + path, {
        method, credentials: "same-origin", signal: controller.signal,
        headers: { Accept: "application/json", "X-CSRFToken": config.csrf, ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (error) {
      throw new Offline(String(error));
    } finally {
      clearTimeout(timer);
    }
    if ([502, 503, 504].includes(response.status) && !response.headers.get("content-type")?.includes("json")) {
      throw new Offline(`HTTP ${response.status}`);
    }
    let data = null;
    try { data = await response.json(); } catch (error) { data = null; }
    return { status: response.status, ok: response.ok, data };
  };
  const errorText = (data) => {
    if (!data) return T.server_error;
    const parts = [data.detail || ""];
    const walk = (value) => {
      if (typeof value === "string") parts.push(value);
      else if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") Object.values(value).forEach(walk);
    };
    walk(data.fields);
    return [...new Set(parts.filter(Boolean))].join(" ");
  };

  // --- state -----------------------------------------------------------------------------------
  const state = {
    session: config.session,
    catalogue: [],
    byCode: new Map(),
    lines: [], // {variant, quantity, percent, reason}
    ticketPercent: 0,
    ticketReason: "",
    customer: null, // {id, label}
    code: "", // the promo code typed and applied (its fate is in the server's pricing)
    priced: null, // the server's pricing of the basket: {key, data}; used while it is the basket's
    tenders: [], // {id, method, amount (minor), mobile_payment?, credit_note?, locked?}
    online: true,
    busy: false,
  };
  let tenderId = 0;

  // --- connection and pending sales --------------------------------------------------------------
  const net = $("#till-net");
  const setOnline = (online) => {
    state.online = online;
    net.textContent = online ? T.online : T.offline;
    net.classList.toggle("text-bg-success", online);
    net.classList.toggle("text-bg-warning", !online);
    root.classList.toggle("till-offline", !online);
    $$("[data-network-only]").forEach((button) => { button.disabled = !online; });
    $("#till-network-note").hidden = online;
    root.dispatchEvent(new CustomEvent("till:network", { detail: { online } })); // for till-refund.js
  };

  const renderPending = async () => {
    const entries = await outbox.all();
    const waiting = entries.filter((entry) => entry.state === "pending");
    const badge = $("#till-pending");
    badge.hidden = entries.length === 0;
    badge.textContent = fmt(T.pending_count, { n: waiting.length });
    badge.dataset.count = String(waiting.length);
    const list = $("#till-pending-list");
    list.replaceChildren(...entries.map((entry) => {
      const item = document.createElement("li");
      item.className = "list-group-item d-flex justify-content-between gap-2";
      item.dataset.testid = "pending-sale";
      const name = document.createElement("span");
      name.className = "staff-nowrap";
      name.textContent = `${entry.local} · ${format(entry.total)}`;
      const status = document.createElement("span");
      status.className = entry.state === "refused" ? "text-danger" : "text-body-secondary";
      status.textContent = entry.state === "refused" ? `${T.refused} ${entry.error || ""}` : T.waiting;
      item.append(name, status);
      return item;
    }));
    $("#till-pending-panel").hidden = entries.length === 0;
  };

  let syncing = null;
  const syncNow = () => {
    if (syncing) return syncing;
    const run = async () => {
      for (const entry of await outbox.all()) {
        if (entry.state !== "pending") continue;
        let answer;
        // An entry kept before the offline time was sent carries its time in `created_at`.
        const body = entry.body.made_offline_at || !entry.created_at ? entry.body
          : { ...entry.body, made_offline_at: entry.created_at };
        try {
          answer = await api("POST", "sales/", body, { "Idempotency-Key": entry.key });
        } catch (error) {
          if (error instanceof Offline) { setOnline(false); return; }
          throw error;
        }
        setOnline(true);
        if (answer.status === 200 || answer.status === 201) {
          await outbox.remove(entry.key);
          if ($("#till-done-local").textContent === entry.local) showSynced(answer.data);
        } else if (answer.status >= 500) {
          return; // the server's trouble: try again later, in order
        } else {
          entry.state = "refused";
          entry.error = errorText(answer.data);
          await outbox.put(entry);
        }
      }
    };
    const locked = navigator.locks ? () => navigator.locks.request(`ashopy-till-sync-${till.id}`, run) : run;
    syncing = locked().catch(() => {}).finally(() => { syncing = null; renderPending(); });
    return syncing;
  };

  // --- the catalogue ---------------------------------------------------------------------------
  const useCatalogue = (data) => {
    exponent = data.exponent;
    state.catalogue = data.variants.map((variant) => ({
      ...variant,
      priceMinor: toMinor(variant.price),
      grossMinor: toMinor(variant.gross),
      rate: Number(variant.vat_rate),
      search: folded(`${variant.label} ${variant.sku} ${variant.barcode}`),
    }));
    state.includesTax = data.prices_include_tax;
    state.byCode = new Map();
    state.catalogue.forEach((variant) => {
      if (variant.sku) state.byCode.set(variant.sku.toLocaleLowerCase(lang), variant);
    });
    state.catalogue.forEach((variant) => { if (variant.barcode) state.byCode.set(variant.barcode, variant); });
    $("#till-catalogue-note").textContent = fmt(T.catalogue_loaded, {
      n: state.catalogue.length, date: new Date(data.generated_at).toLocaleString(lang),
    });
  };
  const loadCatalogue = async () => {
    try {
      const response = await fetch(config.urls.catalogue, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Offline(`HTTP ${response.status}`);
      const data = await response.json();
      useCatalogue(data);
      await store("catalogue", "readwrite", (s) => s.put({ till: till.id, data }));
    } catch (error) {
      const cached = await store("catalogue", "readonly", (s) => s.get(till.id));
      if (cached) useCatalogue(cached.data);
      else $("#till-catalogue-note").textContent = T.no_catalogue;
      setOnline(false);
    }
  };
  const keepStock = async (lines) => {
    lines.forEach((line) => { line.variant.stock -= line.quantity; });
    const cached = await store("catalogue", "readonly", (s) => s.get(till.id));
    if (!cached) return;
    const sold = new Map(lines.map((line) => [line.variant.id, line.quantity]));
    cached.data.variants.forEach((variant) => { if (sold.has(variant.id)) variant.stock -= sold.get(variant.id); });
    await store("catalogue", "readwrite", (s) => s.put(cached));
  };

  // --- totals: the server's pricing of this very basket (POST sessions/<id>/price/, the sale's own
  // computation: customer's segment or partner prices, discounts, promo code) when the till has it; else
  // (offline, or until it answers) computed here as ashopy.pos.pricing does, with catalogue prices. --------
  const pricingBody = () => ({
    lines: state.lines.map((line) => ({
      variant: line.variant.id, quantity: line.quantity,
      discount_percent: String(line.percent || 0), discount_reason: line.percent ? line.reason : "",
    })),
    customer: state.customer ? state.customer.id : null,
    discount_percent: String(state.ticketPercent || 0),
    discount_reason: state.ticketPercent ? state.ticketReason : "",
    code: state.code,
  });
  const fresh = () => (state.priced && state.priced.key === JSON.stringify(pricingBody()) ? state.priced.data : null);
  const codeApplied = () => { const data = fresh(); return Boolean(data && data.code && data.code.applied); };
  const totals = () => {
    const server = fresh();
    if (server && server.lines.length === state.lines.length) {
      // The customer's unit price (segment, partner) is shown where catalogue prices include tax, as the server's are then.
      const priced = state.lines.map((line, index) => ({
        line, gross: toMinor(server.lines[index].gross), unit: state.includesTax ? toMinor(server.lines[index].unit_price) : null,
      }));
      const code = server.code && server.code.applied ? toMinor(server.code.discount) : 0;
      return { priced, total: toMinor(server.total), tax: toMinor(server.total_tax), discounts: toMinor(server.total_discount), code, server: true };
    }
    return localTotals();
  };
  const localTotals = () => {
    const priced = state.lines.map((line) => {
      const amount = line.variant.priceMinor * line.quantity;
      const discount = half((amount * line.percent) / 100);
      return { line, amount, discount, base: amount - discount };
    });
    const subtotal = priced.reduce((sum, row) => sum + row.base, 0);
    const ticketDiscount = half((subtotal * state.ticketPercent) / 100);
    let left = ticketDiscount;
    let total = 0;
    let tax = 0;
    let discounts = 0;
    priced.forEach((row, index) => {
      const share = index === priced.length - 1 ? left
        : Math.min(subtotal ? half((ticketDiscount * row.base) / subtotal) : 0, left);
      left -= share;
      const taxed = row.base - share;
      const rate = row.line.variant.rate;
      const lineTax = state.includesTax ? half((taxed * rate) / (100 + rate)) : half((taxed * rate) / 100);
      row.gross = state.includesTax ? taxed : taxed + lineTax;
      total += row.gross;
      tax += lineTax;
      discounts += row.discount + share;
    });
    return { priced, total, tax, discounts, subtotal, code: 0, server: false };
  };

  // Asked whenever the basket, the customer, a discount or the code changes (debounced), while online.
  let pricingTimer = null;
  let pricingAsked = "";
  const askPricing = () => {
    const key = JSON.stringify(pricingBody());
    if (key === pricingAsked) return;
    clearTimeout(pricingTimer);
    if (!state.lines.length || !state.session || !state.online) { pricingAsked = ""; return; }
    pricingAsked = key;
    pricingTimer = setTimeout(() => fetchPricing(key), 250);
  };
  const fetchPricing = async (key) => {
    let answer;
    try {
      answer = await api("POST", `sessions/${state.session.id}/price/`, JSON.parse(key));
    } catch (error) {
      if (key === pricingAsked) pricingAsked = ""; // asked again once the server answers
      if (error instanceof Offline) { setOnline(false); render(); }
      return;
    }
    if (key !== pricingAsked) return; // the basket changed meanwhile: its own answer follows
    if (answer.status >= 500) { pricingAsked = ""; return; }
    if (answer.status === 200) {
      state.priced = { key, data: answer.data };
      if (!$("#till-message").classList.contains("alert-warning")) message("");
    } else {
      state.priced = null;
      message(errorText(answer.data));
    }
    render();
  };
  // Before recording, the pricing of the basket as it is now (the to-pay figure the tenders are checked against).
  const pricingNow = async () => {
    askPricing();
    clearTimeout(pricingTimer);
    const key = pricingAsked;
    if (state.online && state.lines.length && !fresh()) await fetchPricing(key);
  };
  const payment = (total) => {
    const cash = state.tenders.filter((t) => t.method === "cash").reduce((sum, t) => sum + (t.amount || 0), 0);
    const other = state.tenders.filter((t) => t.method !== "cash").reduce((sum, t) => sum + (t.amount || 0), 0);
    const paid = cash + other;
    const valid = state.tenders.every((t) => Number.isInteger(t.amount) && t.amount > 0);
    const ok = valid && total > 0 && other <= total && paid >= total && !(cash && other === total);
    return { cash, other, paid, change: ok ? paid - total : 0, due: Math.max(total - paid, 0), ok };
  };

  // --- drawing ---------------------------------------------------------------------------------
  const cell = (text, className = "") => {
    const td = document.createElement("td");
    td.className = className;
    td.textContent = text;
    return td;
  };
  const button = (label, className, handler, attributes = {}) => {
    const element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = label;
    Object.entries(attributes).forEach(([name, value]) => element.setAttribute(name, value));
    element.addEventListener("click", handler);
    return element;
  };

  const render = () => {
    const sum = totals();
    const body = $("#till-lines tbody");
    body.replaceChildren(...sum.priced.map((row, index) => {
      const { line } = row;
      const tr = document.createElement("tr");
      tr.dataset.testid = "till-line";
      const name = cell(line.variant.label);
      const small = document.createElement("div");
      small.className = "small text-body-secondary";
      small.textContent = [line.variant.sku, line.percent ? fmt(T.line_discount_shown, { percent: line.percent, reason: line.reason }) : ""]
        .filter(Boolean).join(" · ");
      name.append(small);
      const quantity = document.createElement("td");
      quantity.className = "text-nowrap";
      const input = document.createElement("input");
      input.type = "number";
      input.min = "1";
      input.inputMode = "numeric";
      input.className = "form-control till-quantity d-inline-block";
      input.value = String(line.quantity);
      input.setAttribute("aria-label", fmt(T.quantity_of, { product: line.variant.label }));
      input.dataset.testid = "line-quantity";
      input.addEventListener("change", () => {
        const value = Number.parseInt(input.value, 10);
        if (Number.isInteger(value) && value > 0) line.quantity = Math.min(value, 100000);
        render();
      });
      quantity.append(
        button("−", "btn btn-outline-secondary till-step", () => { if (line.quantity > 1) line.quantity -= 1; render(); }, { "aria-label": T.less }),
        input,
        button("+", "btn btn-outline-secondary till-step", () => { line.quantity += 1; render(); }, { "aria-label": T.more }),
      );
      const actions = document.createElement("td");
      actions.className = "text-end text-nowrap";
      actions.append(
        button("%", "btn btn-outline-secondary till-step", () => askDiscount(index), { "aria-label": T.line_discount, "data-testid": "line-discount" }),
        button("×", "btn btn-outline-danger till-step ms-1", () => { state.lines.splice(index, 1); render(); }, { "aria-label": T.remove }),
      );
      tr.append(name, quantity, cell(format(row.unit ?? line.variant.grossMinor), "text-end staff-amount"), cell(format(row.gross), "text-end staff-amount fw-semibold"), actions);
      return tr;
    }));
    $("#till-empty").hidden = state.lines.length > 0;
    $("#till-total").textContent = format(sum.total);
    $("#till-tax").textContent = format(sum.tax);
    $("#till-discounts").textContent = format(sum.discounts);
    $("#till-ticket-discount").textContent = state.ticketPercent ? fmt(T.ticket_discount_shown, { percent: state.ticketPercent, reason: state.ticketReason }) : "";
    renderCode(sum);
    $("#till-customer").textContent = state.customer ? state.customer.label : T.no_customer;
    $("#till-customer-clear").hidden = !state.customer;

    const pay = payment(sum.total);
    const tenders = $("#till-tenders");
    tenders.replaceChildren(...state.tenders.map((tender) => {
      const row = document.createElement("div");
      row.className = "input-group till-tender";
      row.dataset.testid = `tender-${tender.method}`;
      const label = document.createElement("span");
      label.className = "input-group-text till-tender-label";
      label.textContent = methodLabel(tender.method) + (tender.credit_note ? ` ${tender.credit_note}` : "")
        + (tender.note ? ` · ${tender.note}` : "");
      const input = document.createElement("input");
      input.className = "form-control text-end";
      input.inputMode = "decimal";
      input.autocomplete = "off";
      input.value = Number.isInteger(tender.amount) ? toText(tender.amount) : "";
      input.readOnly = Boolean(tender.locked);
      input.id = `tender-${tender.id}`;
      input.setAttribute("aria-label", fmt(T.amount_of, { method: methodLabel(tender.method) }));
      input.addEventListener("input", () => { tender.amount = toMinor(input.value); renderPayment(); });
      input.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); validate(); } });
      row.append(label, input, button("×", "btn btn-outline-danger", () => removeTender(tender), { "aria-label": T.remove }));
      return row;
    }));
    renderPayment(sum, pay);
    askPricing();
  };
  const renderCode = (sum) => {
    const server = fresh();
    const code = server && server.code;
    $("#till-code-row").hidden = !(code && code.applied);
    if (code && code.applied) {
      $("#till-code-label").textContent = fmt(T.code_shown, { code: code.code });
      $("#till-code-discount").textContent = `−${format(sum.code)}`;
    }
    if (code && !code.applied) $("#till-code-error").textContent = code.error;
    else if (code || !state.code) $("#till-code-error").textContent = "";
    $("#till-code-remove").hidden = !state.code;
  };
  const renderPayment = (sum = totals(), pay = payment(sum.total)) => {
    $("#till-due").textContent = format(pay.due);
    $("#till-change").textContent = format(pay.change);
    $("#till-change-row").hidden = !pay.change;
    $("#till-validate").disabled = !pay.ok || state.busy || state.lines.length === 0 || !state.session;
  };
  const methodLabel = (code) => (config.methods.find((method) => method.code === code) || { label: code }).label;
  const message = (text, kind = "danger") => {
    const box = $("#till-message");
    box.textContent = text;
    box.className = text ? `alert alert-${kind} mb-2` : "";
    box.hidden = !text;
  };

  // --- selling ---------------------------------------------------------------------------------
  const scan = $("#till-scan");
  const focusScan = () => { if (!document.querySelector("dialog[open]")) scan.focus(); };
  const addVariant = (variant) => {
    const line = state.lines.find((item) => item.variant.id === variant.id && !item.percent);
    if (line) line.quantity += 1;
    else state.lines.push({ variant, quantity: 1, percent: 0, reason: "" });
    message(variant.stock <= 0 ? fmt(T.no_stock_here, { product: variant.label }) : "", "warning");
    $("#till-results").replaceChildren();
    render();
  };
  const matches = (text) => {
    const words = folded(text).split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    return state.catalogue.filter((variant) => words.every((word) => variant.search.includes(word))).slice(0, 12);
  };
  const showResults = (found) => {
    $("#till-results").replaceChildren(...found.map((variant) => {
      const item = button("", "list-group-item list-group-item-action d-flex justify-content-between gap-2 till-result", () => {
        addVariant(variant);
        scan.value = "";
        focusScan();
      }, { "data-testid": "till-result" });
      const name = document.createElement("span");
      name.textContent = `${variant.label} · ${variant.sku}`;
      const price = document.createElement("span");
      price.className = "staff-nowrap";
      price.textContent = `${format(variant.grossMinor)} · ${fmt(T.in_stock, { n: variant.stock })}`;
      item.append(name, price);
      return item;
    }));
  };
  scan.addEventListener("input", () => showResults(matches(scan.value)));
  $("#till-scan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = scan.value.trim();
    if (!code) return;
    const variant = state.byCode.get(code) || state.byCode.get(code.toLocaleLowerCase(lang));
    const found = variant ? [variant] : matches(code);
    if (found.length === 1) {
      addVariant(found[0]);
      scan.value = "";
    } else if (!found.length) {
      message(fmt(T.unknown_code, { code }));
      scan.select();
    } else {
      showResults(found);
    }
    scan.focus();
  });

  // --- discounts -------------------------------------------------------------------------------
  const discountDialog = $("#till-discount-dialog");
  let discountTarget = null;
  const askDiscount = (index) => {
    discountTarget = index;
    const current = index === null ? { percent: state.ticketPercent, reason: state.ticketReason } : state.lines[index];
    $("#till-discount-title").textContent = index === null ? T.ticket_discount : fmt(T.line_discount_of, { product: state.lines[index].variant.label });
    $("#till-discount-percent").value = current.percent ? String(current.percent) : "";
    $("#till-discount-reason").value = current.reason || "";
    $("#till-discount-error").textContent = "";
    discountDialog.showModal();
    $("#till-discount-percent").focus();
  };
  $("#till-ticket-discount-button").addEventListener("click", () => askDiscount(null));
  $("#till-discount-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const percent = Number(String($("#till-discount-percent").value || "0").replace(",", "."));
    const reason = $("#till-discount-reason").value.trim();
    const error = !(percent >= 0 && percent <= 100) ? T.bad_percent
      : percent > Number(config.max_discount) ? fmt(T.discount_max, { max: config.max_discount })
        : percent && !reason ? T.reason_needed : "";
    if (error) { $("#till-discount-error").textContent = error; return; }
    if (discountTarget === null) { state.ticketPercent = percent; state.ticketReason = percent ? reason : ""; }
    else { state.lines[discountTarget].percent = percent; state.lines[discountTarget].reason = percent ? reason : ""; }
    discountDialog.close();
    render();
    focusScan();
  });

  // --- customer --------------------------------------------------------------------------------
  let customerTimer = null;
  const customerInput = $("#till-customer-search");
  customerInput.addEventListener("input", () => {
    clearTimeout(customerTimer);
    customerTimer = setTimeout(async () => {
      const q = customerInput.value.trim();
      const list = $("#till-customer-results");
      if (q.length < 2) { list.replaceChildren(); return; }
      try {
        const answer = await api("GET", `${config.urls.customers}?q=${encodeURIComponent(q)}`);
        const rows = Array.isArray(answer.data) ? answer.data : (answer.data && answer.data.results) || [];
        list.replaceChildren(...rows.slice(0, 8).map((row) => {
          const label = customerLabel(row);
          return button(label, "list-group-item list-group-item-action", () => {
            state.customer = { id: row.id, label };
            list.replaceChildren();
            customerInput.value = "";
            render();
            focusScan();
          }, { "data-testid": "customer-result" });
        }));
      } catch (error) {
        list.replaceChildren();
      }
    }, 250);
  });
  $("#till-customer-clear").addEventListener("click", () => { state.customer = null; render(); });

  // A new customer made here (POST /api/v1/staff/customers/), then chosen; an e-mail address that is
  // already one of the store's customers chooses that customer.
  const customerDialog = $("#till-customer-dialog");
  const customerLabel = (row) => {
    const name = [row.first_name, row.last_name].filter(Boolean).join(" ");
    return name ? `${name} · ${row.email}` : row.email;
  };
  $("#till-customer-new").addEventListener("click", () => {
    $("#till-customer-form").reset();
    $("#till-customer-error").textContent = "";
    customerDialog.showModal();
    $("#till-customer-email").focus();
  });
  $("#till-customer-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = $("#till-customer-error");
    const body = {
      email: $("#till-customer-email").value.trim(), first_name: $("#till-customer-first-name").value.trim(),
      last_name: $("#till-customer-last-name").value.trim(), phone: $("#till-customer-phone").value.trim(),
    };
    let answer;
    try {
      answer = await api("POST", config.urls.customers, body);
    } catch (failure) {
      error.textContent = T.needs_network;
      return;
    }
    const found = answer.status === 201 ? answer.data : answer.status === 409 && answer.data && answer.data.customer;
    if (!found) { error.textContent = errorText(answer.data); return; }
    state.customer = { id: found.id, label: customerLabel(found) };
    customerDialog.close();
    message(answer.status === 409 ? fmt(T.customer_existing, { name: state.customer.label }) : "", "info");
    render();
  });

  // --- promo code: checked and priced by the server (it needs the network) -----------------------
  $("#till-code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = $("#till-code").value.trim().toUpperCase();
    $("#till-code").value = code;
    if (!state.online) { $("#till-code-error").textContent = T.code_needs_network; return; }
    state.code = code;
    $("#till-code-error").textContent = "";
    render();
    focusScan();
  });
  $("#till-code-remove").addEventListener("click", () => {
    state.code = "";
    $("#till-code").value = "";
    render();
  });

  // --- tenders ---------------------------------------------------------------------------------
  const removeTender = async (tender) => {
    if (tender.mobile_payment && tender.locked) return; // a confirmed mobile payment stays with the sale
    state.tenders = state.tenders.filter((item) => item !== tender);
    render();
  };
  const addTender = (method, amount, extra = {}) => {
    const tender = { id: ++tenderId, method, amount, ...extra };
    state.tenders.push(tender);
    render();
    const input = document.getElementById(`tender-${tender.id}`);
    if (input && !tender.locked) { input.focus(); input.select(); }
    return tender;
  };
  const choose = (method) => {
    if (!state.lines.length || !state.session) return;
    const button = $(`[data-method="${method}"]`);
    if (!button || button.hidden || button.disabled) return;
    const sum = totals();
    const pay = payment(sum.total);
    if (method === "wave" || method === "orange_money") { startMobile(method, pay.due); return; }
    if (method === "store_credit") { askCredit(pay.due); return; }
    const existing = state.tenders.find((tender) => tender.method === method && !tender.locked);
    if (existing) {
      const input = document.getElementById(`tender-${existing.id}`);
      if (input) { input.focus(); input.select(); }
      return;
    }
    addTender(method, pay.due || (method === "cash" ? sum.total : 0));
  };
  $$("[data-method]").forEach((element) => element.addEventListener("click", () => choose(element.dataset.method)));
  document.addEventListener("keydown", (event) => {
    const method = METHOD_KEYS[event.key];
    if (!method || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    if (!document.querySelector("dialog[open]")) choose(method);
  });
  $("#till-exact").addEventListener("click", () => {
    const sum = totals();
    state.tenders = state.tenders.filter((tender) => tender.locked);
    const pay = payment(sum.total);
    if (pay.due) addTender("cash", pay.due);
  });

  // Mobile money (Wave, Orange Money): a payment request at the provider, shown as a QR code; the
  // till asks its state until it succeeds, fails, is cancelled or expires.
  const mobileDialog = $("#till-mobile-dialog");
  let mobile = null;
  const hideMethod = (method) => { $$(`[data-method="${method}"]`).forEach((element) => { element.hidden = true; }); };
  const stopMobile = () => { if (mobile) { clearInterval(mobile.timer); clearInterval(mobile.clock); } mobile = null; };
  const startMobile = async (method, amount) => {
    if (!amount) return;
    if (!state.online) { message(T.mobile_needs_network); return; }
    $("#till-mobile-title").textContent = fmt(T.mobile_title, { method: methodLabel(method), amount: format(amount) });
    $("#till-mobile-state").textContent = T.mobile_creating;
    $("#till-mobile-qr").hidden = true;
    $("#till-mobile-link").hidden = true;
    mobileDialog.showModal();
    let answer;
    try {
      answer = await api("POST", `sessions/${state.session.id}/mobile-payments/`, { provider: method, amount: toText(amount) });
    } catch (error) {
      $("#till-mobile-state").textContent = T.mobile_needs_network;
      return;
    }
    if (answer.status !== 201) { $("#till-mobile-state").textContent = errorText(answer.data); return; }
    if (!mobileDialog.open) { cancelMobile({ id: answer.data.id }); return; } // closed while it was being made
    showMobile(answer.data);
    mobile = { id: answer.data.id, data: answer.data };
    mobile.timer = setInterval(pollMobile, 2000);
    mobile.clock = setInterval(() => tickMobile(mobile && mobile.data), 1000);
  };
  const tickMobile = (data) => {
    if (!data || data.state !== "pending") return;
    const left = Math.max(0, Math.round((new Date(data.expires_at) - new Date()) / 1000));
    $("#till-mobile-state").textContent = fmt(T.mobile_waiting, { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` });
    if (!left) pollMobile();
  };
  const showMobile = (data) => {
    const qr = $("#till-mobile-qr");
    qr.src = data.qr_url;
    qr.hidden = false;
    const link = $("#till-mobile-link");
    link.href = data.payment_url;
    link.hidden = !data.payment_url;
    tickMobile(data);
  };
  const pollMobile = async () => {
    if (!mobile) return;
    const current = mobile;
    let answer;
    try { answer = await api("GET", `mobile-payments/${current.id}/`); } catch (error) { return; }
    if (!answer.ok || mobile !== current) return;
    current.data = answer.data;
    const done = answer.data.state;
    if (done === "succeeded") {
      stopMobile();
      mobileDialog.close();
      addTender(answer.data.provider, toMinor(answer.data.amount), { mobile_payment: answer.data.id, locked: true });
      focusScan();
    } else if (done !== "pending") {
      stopMobile();
      $("#till-mobile-state").textContent = T[`mobile_${done}`] || done;
    }
  };
  // Cancel the request through the API (and at the provider); a payment that raced the cancel and
  // succeeded stays with the sale.
  const cancelMobile = async (current) => {
    if (!current) return;
    try {
      const answer = await api("POST", `mobile-payments/${current.id}/cancel/`);
      let paid = answer.ok && answer.data.state === "succeeded" ? answer.data : null;
      if (answer.status === 409 && answer.data && answer.data.code === "mobile_payment_succeeded") {
        // The customer paid just before the cancel: the money is taken, the sale keeps it.
        const again = await api("GET", `mobile-payments/${current.id}/`);
        if (again.ok && again.data.state === "succeeded") paid = again.data;
        message(errorText(answer.data), "warning");
      }
      if (paid) addTender(paid.provider, toMinor(paid.amount), { mobile_payment: paid.id, locked: true });
    } catch (error) { /* the request expires at the provider */ }
  };
  const cancelAndClose = async () => {
    const current = mobile;
    stopMobile();
    await cancelMobile(current);
    mobileDialog.close();
    focusScan();
  };
  $("#till-mobile-cancel").addEventListener("click", cancelAndClose);
  // Escape (the dialog's cancel event) does what the Cancel button does. The request is taken before the
  // dialog's close handler forgets it, in case the browser closes the dialog anyway.
  mobileDialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    cancelAndClose();
  });

  // Store credit from a credit note: its number, what remains on it.
  const creditDialog = $("#till-credit-dialog");
  let creditDue = 0;
  const askCredit = (due) => {
    if (!due) return;
    if (!state.online) { message(T.mobile_needs_network); return; }
    creditDue = due;
    $("#till-credit-number").value = "";
    $("#till-credit-error").textContent = "";
    creditDialog.showModal();
    $("#till-credit-number").focus();
  };
  $("#till-credit-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const number = $("#till-credit-number").value.trim();
    if (!number) return;
    let answer;
    try { answer = await api("GET", `store-credits/?number=${encodeURIComponent(number)}`); } catch (error) {
      $("#till-credit-error").textContent = T.mobile_needs_network;
      return;
    }
    if (!answer.ok) { $("#till-credit-error").textContent = answer.status === 404 ? T.credit_unknown : errorText(answer.data); return; }
    const remaining = toMinor(answer.data.remaining);
    if (!remaining) { $("#till-credit-error").textContent = T.credit_empty; return; }
    creditDialog.close();
    addTender("store_credit", Math.min(remaining, creditDue), { credit_note: answer.data.number });
  });

  // --- recording the sale ------------------------------------------------------------------------
  const saleBody = () => {
    const { customer, code, ...basket } = pricingBody();
    const body = {
      till: till.id,
      ...basket,
      payments: state.tenders.map((tender) => ({
        method: tender.method, amount: toText(tender.amount),
        ...(tender.mobile_payment ? { mobile_payment: tender.mobile_payment } : {}),
        ...(tender.credit_note ? { credit_note: tender.credit_note } : {}),
      })),
    };
    if (customer) body.customer = customer;
    if (code && codeApplied()) body.code = code; // a refused code stays on the screen, not on the sale
    return body;
  };
  const showDone = ({ reference, local, total, change, ticketId, pending }) => {
    $("#till-sell").hidden = true;
    $("#till-done").hidden = false;
    $("#till-done-reference").textContent = reference || "";
    $("#till-done-local").textContent = local || "";
    $("#till-done-pending").hidden = !pending;
    $("#till-done-total").textContent = format(total);
    $("#till-done-change").textContent = format(change);
    const receipt = $("#till-receipt");
    receipt.hidden = !ticketId;
    if (ticketId) receipt.href = config.urls.receipt.replace("/0/", `/${ticketId}/`);
    $("#till-new-sale").focus();
  };
  const showSynced = (data) => {
    $("#till-done-reference").textContent = data.ticket.reference;
    $("#till-done-pending").hidden = true;
    const receipt = $("#till-receipt");
    receipt.href = config.urls.receipt.replace("/0/", `/${data.ticket.id}/`);
    receipt.hidden = false;
  };
  const validate = async () => {
    if (state.busy || !state.lines.length || !state.session) return;
    await pricingNow();
    const sum = totals();
    const pay = payment(sum.total);
    if (!pay.ok || state.busy) { renderPayment(sum, pay); return; }
    const mobileOnly = state.tenders.some((tender) => NETWORK_METHODS.has(tender.method));
    const body = saleBody();
    const key = uuid();
    const madeAt = localTime();
    const lines = state.lines.slice();
    state.busy = true;
    renderPayment();
    message("");
    try {
      const waiting = (await outbox.all()).some((entry) => entry.state === "pending");
      let answer = null;
      if (!waiting || body.code) { // a sale with a code is checked by the server now: never kept for later
        try {
          answer = await api("POST", "sales/", body, { "Idempotency-Key": key });
          setOnline(true);
        } catch (error) {
          if (!(error instanceof Offline)) throw error;
          setOnline(false);
        }
      }
      if (answer && (answer.status === 201 || answer.status === 200)) {
        await keepStock(lines);
        resetSale();
        showDone({ reference: answer.data.ticket.reference, total: toMinor(answer.data.ticket.total),
          change: toMinor(answer.data.change), ticketId: answer.data.ticket.id });
        return;
      }
      if (answer) { message(errorText(answer.data)); return; }
      if (mobileOnly) { message(T.mobile_needs_network); return; }
      if (state.code) { message(T.code_needs_network); return; } // a code is checked and counted by the server
      // Kept here until the server answers: sent in order, once, with this key and the time it was made.
      const local = localNumber();
      await outbox.put({ key, till: till.id, seq: Date.now(), local, body: { ...body, made_offline_at: madeAt },
        total: sum.total, state: "pending", created_at: madeAt });
      await keepStock(lines);
      resetSale();
      showDone({ local, total: sum.total, change: pay.change, pending: true });
      renderPending();
      syncNow();
    } finally {
      state.busy = false;
      renderPayment();
    }
  };
  $("#till-validate").addEventListener("click", validate);
  const resetSale = () => {
    state.lines = [];
    state.tenders = [];
    state.ticketPercent = 0;
    state.ticketReason = "";
    state.customer = null;
    state.code = "";
    state.priced = null;
    $("#till-code").value = "";
    $("#till-code-error").textContent = "";
    render();
  };
  $("#till-new-sale").addEventListener("click", () => {
    $("#till-done").hidden = true;
    $("#till-sell").hidden = false;
    message("");
    focusScan();
  });
  $("#till-sync").addEventListener("click", () => syncNow());

  // --- the session: open with the float, cash in and out, close with a blind count ---------------
  const showSession = () => {
    const open = Boolean(state.session);
    $("#till-open").hidden = open;
    $("#till-sell").hidden = !open;
    $("#till-done").hidden = true;
    $$("[data-session-only]").forEach((element) => { element.hidden = !open; });
    $("#till-session-info").textContent = open
      ? fmt(T.session_info, { cashier: state.session.cashier, date: new Date(state.session.opened_at).toLocaleString(lang) })
      : T.no_session;
    if (open) focusScan();
  };
  const floatTotal = () => $$("[data-denomination]").reduce((sum, input) => {
    const count = Number.parseInt(input.value || "0", 10);
    return sum + (Number.isInteger(count) && count > 0 ? count * toMinor(input.dataset.denomination) : 0);
  }, 0);
  $$("[data-denomination]").forEach((input) => input.addEventListener("input", () => {
    $("#till-float-total").textContent = format(floatTotal());
  }));
  $("#till-open-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const counts = {};
    $$("[data-denomination]").forEach((input) => {
      const count = Number.parseInt(input.value || "0", 10);
      if (count > 0) counts[input.dataset.denomination] = count;
    });
    const error = $("#till-open-error");
    try {
      const answer = await api("POST", `tills/${till.id}/sessions/`, { opening_float: counts });
      if (answer.status !== 201) { error.textContent = errorText(answer.data); return; }
      state.session = { id: answer.data.id, cashier: answer.data.cashier_name || answer.data.cashier, opened_at: answer.data.opened_at };
      error.textContent = "";
      showSession();
      render();
    } catch (failure) {
      error.textContent = T.needs_network;
    }
  });

  const cashDialog = $("#till-cash-dialog");
  $("#till-cash-button").addEventListener("click", () => {
    $("#till-cash-form").reset();
    $("#till-cash-error").textContent = "";
    cashDialog.showModal();
  });
  $("#till-cash-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const amount = toMinor($("#till-cash-amount").value);
    const error = $("#till-cash-error");
    if (!amount) { error.textContent = T.bad_amount; return; }
    try {
      const answer = await api("POST", `sessions/${state.session.id}/cash-movements/`, {
        direction: $("#till-cash-form").elements.direction.value, amount: toText(amount), reason: $("#till-cash-reason").value,
      });
      if (answer.status !== 201) { error.textContent = errorText(answer.data); return; }
      cashDialog.close();
      message(fmt(T.cash_recorded, { amount: format(amount) }), "success");
    } catch (failure) {
      error.textContent = T.needs_network;
    }
  });

  const closeDialog = $("#till-close-dialog");
  $("#till-close-button").addEventListener("click", async () => {
    const waiting = (await outbox.all()).filter((entry) => entry.state === "pending");
    $("#till-close-form").reset();
    $("#till-close-form").hidden = false;
    $("#till-close-result").hidden = true;
    $("#till-close-error").textContent = waiting.length ? T.send_pending_first : "";
    $("#till-close-submit").disabled = waiting.length > 0;
    closeDialog.showModal();
  });
  $("#till-close-cancel").addEventListener("click", () => closeDialog.close());
  $("#till-close-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const counted = {};
    let bad = false;
    $$("[data-count]").forEach((input) => {
      if (input.closest("[hidden]")) return;
      const value = input.value.trim() === "" ? 0 : toMinor(input.value);
      if (value === null) bad = true;
      else counted[input.dataset.count] = toText(value);
    });
    const error = $("#till-close-error");
    if (bad) { error.textContent = T.bad_amount; return; }
    try {
      const answer = await api("POST", `sessions/${state.session.id}/close/`, { counted, note: $("#till-close-note").value });
      if (!answer.ok) { error.textContent = errorText(answer.data); return; }
      // Only now, the count being recorded, what was expected and the differences.
      const rows = Object.keys(answer.data.counted).map((method) => {
        const tr = document.createElement("tr");
        const difference = toMinor(String(answer.data.differences[method]).replace("-", "")) * (String(answer.data.differences[method]).startsWith("-") ? -1 : 1);
        tr.append(cell(methodLabel(method)), cell(format(toMinor(answer.data.counted[method])), "text-end"),
          cell(format(toMinor(answer.data.expected[method])), "text-end"),
          cell(format(difference), `text-end ${difference ? "text-danger fw-semibold" : ""}`));
        tr.dataset.testid = "close-row";
        return tr;
      });
      $("#till-close-rows").replaceChildren(...rows);
      $("#till-close-form").hidden = true;
      $("#till-close-result").hidden = false;
      state.session = null;
      showSession();
    } catch (failure) {
      error.textContent = T.needs_network;
    }
  });
  $("#till-close-done").addEventListener("click", () => closeDialog.close());
  $$("dialog").forEach((dialog) => dialog.addEventListener("close", () => { stopMobile(); focusScan(); }));
  $$("[data-close-dialog]").forEach((element) => element.addEventListener("click", () => element.closest("dialog").close()));

  // --- the hook for till-refund.js (refunds and exchanges; loaded after this script) ----------------
  // What it may use of this page, and nothing else: the API, money formatting, messages, and the start
  // of an exchange's sale (a locked cash tender already in the drawer, labelled with the refund).
  window.ashopyTill = Object.freeze({
    root, config, lang, api, Offline, errorText, format, toMinor, toText, uuid, fmt, message, methodLabel,
    session: () => state.session,
    online: () => state.online,
    restocked: (items) => keepStock(items.map((item) => ({
      variant: state.catalogue.find((variant) => variant.id === item.variant) || { id: item.variant, stock: 0 },
      quantity: -item.quantity,
    }))),
    startExchange: (amount, note) => {
      state.tenders = state.tenders.filter((tender) => tender.locked);
      $("#till-done").hidden = true;
      $("#till-sell").hidden = false;
      addTender("cash", amount, { locked: true, note });
      focusScan();
    },
  });

  // --- start -----------------------------------------------------------------------------------
  ["wave", "orange_money"].filter((method) => !config.mobile_money.includes(method)).forEach(hideMethod);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register(config.urls.worker).catch(() => {});
  // The browser has a network again: say so (a sync or any call that fails says offline again); with no
  // sale waiting, nothing else would (the network-only buttons stayed disabled).
  window.addEventListener("online", () => { setOnline(true); syncNow(); });
  window.addEventListener("offline", () => setOnline(false));
  setOnline(navigator.onLine !== false);
  showSession();
  render();
  loadCatalogue().then(() => { render(); renderPending(); syncNow(); });
  setInterval(() => { syncNow(); }, SYNC_EVERY_MS);
})();
