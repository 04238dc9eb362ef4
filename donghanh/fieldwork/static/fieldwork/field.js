// The offline field app on the shell page (`GET field/`): registers this phone, keeps the work
// encrypted in IndexedDB (see store.js for the key scheme), lets the user take assigned cases
// offline, records the forms without a connection in an outbox, and sends it when it can.
//
// Every text comes from the page (`<template id="field-strings">` in _client.html, translated
// by Django); nothing here is written in one language.

const client = document.getElementById("field-client");
const storeModule = import(client ? client.dataset.store : "./store.js");

const app = document.getElementById("field-app");
const strings = {};
let cfg = {};
let store = null;
let S = null; // the store module
let packageData = null;
let syncing = false;
let wiping = false;

// ---------------------------------------------------------------- strings and small helpers

function loadStrings() {
  const template = document.getElementById("field-strings");
  if (!template) { return; }
  for (const element of template.content.querySelectorAll("[data-s]")) {
    strings[element.dataset.s] = element.textContent.trim();
  }
}

function t(key, params = {}) {
  let text = strings[key] || key;
  for (const [name, value] of Object.entries(params)) { text = text.split(`{${name}}`).join(String(value)); }
  return text;
}

function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) { continue; }
    if (name === "text") { element.textContent = value; } else if (name === "className") { element.className = value; } else { element.setAttribute(name, value === true ? "" : value); }
  }
  for (const child of children) { if (child) { element.append(child); } }
  return element;
}

function $(selector, root = document) { return root.querySelector(selector); }
function $$(selector, root = document) { return Array.from(root.querySelectorAll(selector)); }

function status(message, tone = "info") {
  const target = $("[data-offline-status]");
  if (!target) { return; }
  target.textContent = message;
  target.dataset.tone = tone;
}

function uuid() {
  if (crypto.randomUUID) { return crypto.randomUUID(); }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ISO 8601 with the phone's own offset, e.g. 2026-12-06T09:30:00+07:00.
function isoWithOffset(date = new Date()) {
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:` +
    `${pad(date.getMinutes())}:${pad(date.getSeconds())}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

// Times as the staff pages write them: "14:05 06/12/2026" (hours and minutes, then dd/mm/yyyy).
function when(timestamp) {
  const d = new Date(timestamp);
  const two = (n) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())} ${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()}`;
}

function csrfToken() {
  if (client && client.dataset.csrf) { return client.dataset.csrf; }
  const input = $("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function deviceUrl(template, device) { return template.replace("__DEVICE__", device); }

class Offline extends Error {}
class SignedOut extends Error {}
class Gone extends Error { constructor(message) { super(message); this.serverMessage = message; } }
class Refused extends Error { constructor(statusCode) { super(String(statusCode)); this.statusCode = statusCode; } }

// A JSON request to the app's own endpoints. Redirects (to the sign-in page) are not followed.
async function api(url, { method = "GET", body = undefined } = {}) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") { headers["X-CSRFToken"] = csrfToken(); headers["Content-Type"] = "application/json"; }
  if (store && store.deviceId) { headers["X-Field-Device"] = store.deviceId; }
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin", redirect: "manual", cache: "no-store" });
  } catch (error) {
    throw new Offline(String(error));
  }
  if (response.type === "opaqueredirect" || response.status === 401) { throw new SignedOut(); }
  if (response.status === 410) {
    let message = "";
    try { message = (await response.json()).message || ""; } catch (error) { message = ""; }
    throw new Gone(message);
  }
  if (response.status === 204) { return null; }
  if (!response.ok) { throw new Refused(response.status); }
  return response.json();
}

// ---------------------------------------------------------------- wipe

function isFieldWorker(registration) {
  const script = registration.active || registration.waiting || registration.installing;
  return script && /\/field\/sw\.js(\?|$)/.test(new URL(script.scriptURL).pathname);
}

// Tells each field service worker to store nothing more (a download it is making must not
// put a cache back after the wipe), waiting a second at most for its answer.
async function stopServiceWorkers() {
  if (!navigator.serviceWorker) { return; }
  const workers = (await navigator.serviceWorker.getRegistrations()).filter(isFieldWorker).map((registration) => registration.active).filter(Boolean);
  await Promise.all(workers.map((worker) => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    setTimeout(resolve, 1000);
    worker.postMessage({ type: "wipe" }, [channel.port2]);
  })));
}

// Erases everything the app keeps on this phone: the database, the caches and the service
// workers; then tells the server (best effort) so the device shows as wiped.
async function wipe({ tellServer = true } = {}) {
  if (wiping) { return; }
  wiping = true;
  status(t("wiping"), "warning");
  let records = [];
  if (store) {
    try { records = await store.allKeyRecords(); } catch (error) { records = []; }
    store.lock();
    store.close();
    store = null;
  }
  const { deleteDatabase } = S || (await storeModule);
  await deleteDatabase();
  await stopServiceWorkers();
  if (window.caches) {
    for (const name of await caches.keys()) { if (name.startsWith("donghanh-field-")) { await caches.delete(name); } }
  }
  if (navigator.serviceWorker) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      if (isFieldWorker(registration)) { await registration.unregister(); }
    }
  }
  if (tellServer && cfg.wipedUrlTemplate) {
    for (const record of records) {
      const template = cfg.wipedUrlTemplate.replace(`/o/${cfg.org}/`, `/o/${record.id}/`);
      try {
        await fetch(deviceUrl(template, record.device), { method: "POST", headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin", redirect: "manual", keepalive: true });
      } catch (error) {
        // Offline: the server learns it at the next contact.
      }
    }
  }
  packageData = null;
  for (const list of $$("[data-offline-outbox], [data-offline-saved], [data-offline-conflicts]")) { list.replaceChildren(); }
  showForms(false);
  if (app) { app.dataset.offlineWiped = "yes"; }
  wiping = false;
}

function hookLogout() {
  const logout = cfg.logoutUrl || (client && client.dataset.logoutUrl);
  if (!logout) { return; }
  const path = new URL(logout, location.href).pathname;
  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || new URL(form.action, location.href).pathname !== path) { return; }
    if (form.dataset.wiped === "yes") { return; }
    event.preventDefault();
    try { await wipe(); } finally {
      form.dataset.wiped = "yes";
      form.submit();
    }
  }, true);
}

// ---------------------------------------------------------------- service worker and storage

let serviceWorkerStarted = false;

async function registerServiceWorker() {
  if (serviceWorkerStarted || wiping || !("serviceWorker" in navigator) || !cfg.swUrl) { return; }
  serviceWorkerStarted = true;
  const scope = new URL(".", new URL(cfg.swUrl, location.href)).pathname;
  try {
    const registration = await navigator.serviceWorker.register(cfg.swUrl, { scope, updateViaCache: "none" });
    await navigator.serviceWorker.ready;
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "precached") { app.dataset.offlineCached = "yes"; }
    });
    const urls = new Set();
    for (const node of $$("link[rel~=stylesheet][href], link[rel~=icon][href], link[rel=manifest][href], script[src]")) {
      urls.add(new URL(node.getAttribute("href") || node.getAttribute("src"), location.href).href);
    }
    for (const href of (client ? client.dataset.precache || "" : "").split(/\s+/)) { if (href) { urls.add(new URL(href, location.href).href); } }
    const worker = registration.active || navigator.serviceWorker.controller;
    if (worker) { worker.postMessage({ type: "precache", urls: Array.from(urls) }); }
  } catch (error) {
    // No service worker (a private window, an old browser): the app still works online.
  }
}

function addManifestLink() {
  if (!cfg.manifestUrl || $("link[rel=manifest]")) { return; }
  document.head.append(el("link", { rel: "manifest", href: cfg.manifestUrl }));
}

function formatBytes(bytes) {
  const lang = document.documentElement.lang || undefined;
  const units = [["GB", 1e9], ["MB", 1e6], ["kB", 1e3]];
  for (const [unit, size] of units) {
    if (bytes >= size) { return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(bytes / size)} ${unit}`; }
  }
  return `${bytes} B`;
}

async function showStorage() {
  const box = storageBox();
  box.replaceChildren();
  const notes = [];
  if (navigator.storage && navigator.storage.estimate) {
    const { usage = 0, quota = 0 } = await navigator.storage.estimate();
    notes.push(el("p", { text: t("storage_used", { used: formatBytes(usage), quota: formatBytes(quota) }) }));
    if (quota && usage / quota > 0.8) {
      notes.push(el("p", { className: "field-warning", text: t("storage_full", { percent: new Intl.NumberFormat(document.documentElement.lang || undefined, { style: "percent" }).format(usage / quota) }) }));
    }
  }
  let persisted = false;
  if (navigator.storage && navigator.storage.persisted) { persisted = await navigator.storage.persisted(); }
  if (!persisted) { notes.push(el("p", { className: "field-note", text: t("not_persisted") })); }
  const ua = navigator.userAgent;
  if (/Safari\//.test(ua) && !/(Chrome|Chromium|CriOS|Android|Edg)\//.test(ua)) {
    notes.push(el("p", { className: "field-warning", text: t("safari_eviction") }));
  }
  const days = (store && store.maxOfflineDays) || cfg.maxOfflineDays;
  if (days) { notes.push(el("p", { className: "field-note", text: t("offline_limit", { days }) })); }
  box.append(...notes);
}

function storageBox() {
  let box = $(".field-storage");
  if (!box) {
    box = el("div", { className: "field-storage" });
    const anchor = $("[data-offline-status]");
    if (anchor) { anchor.after(box); } else { app.append(box); }
  }
  return box;
}

// ---------------------------------------------------------------- setup, PIN and unlock

function setupBox() {
  let box = $(".field-setup");
  if (!box) {
    box = el("div", { className: "field-setup" });
    const anchor = $("[data-offline-status]");
    if (anchor) { anchor.after(box); } else { app.prepend(box); }
  }
  return box;
}

function showRegister() {
  const box = setupBox();
  box.replaceChildren();
  if (!navigator.onLine) { status(t("connect_to_set_up"), "warning"); return; }
  status(t("not_registered"));
  const button = el("button", { type: "button", className: "button", text: t("register") });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await register();
    } catch (error) {
      button.disabled = false;
      handleError(error);
    }
  });
  box.append(el("p", { text: t("register_help") }), button);
}

async function register() {
  status(t("registering"));
  const answer = await api(cfg.deviceUrl, { method: "POST", body: {} });
  await store.create({ device: answer.device, secret: answer.secret, user: cfg.user, maxOfflineDays: answer.max_offline_days });
  store.deviceId = answer.device;
  store.maxOfflineDays = answer.max_offline_days;
  if (answer.wipe_url) { cfg.wipedUrlTemplate = answer.wipe_url.replace(answer.device, "__DEVICE__"); }
  if (navigator.storage && navigator.storage.persist) {
    try { await navigator.storage.persist(); } catch (error) { /* refused: the note says so */ }
  }
  setupBox().replaceChildren();
  askPin("set");
}

// The kinds' forms (each in its own <details>) show only once the store is open.
function showForms(visible) {
  for (const form of $$("form[data-offline-kind]")) { (form.closest("details") || form).hidden = !visible; }
}

function pinForm() { return $("form[data-offline-pin]"); }

// mode "set": choose a PIN (after an online unlock); "unlock": reopen without the server.
function askPin(mode) {
  const form = pinForm();
  if (!form) { return; }
  form.dataset.mode = mode;
  form.hidden = false;
  const input = form.elements.pin;
  input.value = "";
  input.setAttribute("inputmode", "numeric");
  input.setAttribute("autocomplete", "off");
  input.setAttribute("pattern", "[0-9]{6,}");
  input.setAttribute("minlength", "6");
  input.required = true;
  let help = $(".field-pin-help", form);
  if (!help) {
    help = el("p", { className: "field-pin-help", id: "field-pin-help" });
    form.prepend(help);
    input.setAttribute("aria-describedby", "field-pin-help");
  }
  help.textContent = mode === "set" ? t("pin_choose") : t("pin_enter");
  const button = $("button[type=submit], button:not([type])", form);
  if (button) { button.textContent = mode === "set" ? t("pin_save") : t("unlock"); }
  status(mode === "set" ? t("pin_choose") : t("pin_enter"));
  input.focus();
}

async function onPinSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const pin = form.elements.pin.value.trim();
  if (!S.PIN_PATTERN.test(pin)) { status(t("pin_too_short"), "error"); return; }
  const button = $("button[type=submit], button:not([type])", form);
  if (button) { button.disabled = true; }
  try {
    if (form.dataset.mode === "set") {
      status(t("pin_saving"));
      await store.setPin(pin);
      form.hidden = true;
      await opened();
    } else {
      status(t("unlocking"));
      try {
        await store.unlockWithPin(pin);
      } catch (error) {
        if (error instanceof S.WrongPinError) {
          if (error.remaining <= 0) { await wipe(); status(t("too_many_pins"), "error"); showRegister(); return; }
          status(t("pin_wrong", { n: error.remaining }), "error");
          form.elements.pin.value = "";
          return;
        }
        throw error;
      }
      form.hidden = true;
      await opened();
    }
  } catch (error) {
    handleError(error);
  } finally {
    if (button) { button.disabled = false; }
  }
}

async function unlockOnline(record) {
  const answer = await api(deviceUrl(cfg.keyUrlTemplate, record.device), { method: "POST", body: {} });
  await store.unlockWithSecret(answer.secret, { maxOfflineDays: answer.max_offline_days });
  store.maxOfflineDays = answer.max_offline_days;
}

// ---------------------------------------------------------------- after unlocking

async function opened() {
  const record = await store.keyRecord();
  if (!record.byPin) { askPin("set"); return; }
  showForms(true);
  packageData = await store.get("package");
  fillPickers();
  await renderLists();
  status(navigator.onLine ? t("ready_online") : t("ready_offline"), "ok");
  showStorage();
  if (navigator.onLine) {
    await sync();
    await showPick();
  } else {
    showPackageSummary();
  }
}

// The part of the pick section the script draws (its heading and help stay).
function pickBody() {
  const section = $("[data-offline-pick]");
  if (!section) { return null; }
  let body = $(".field-pick-body", section);
  if (!body) { body = el("div", { className: "field-pick-body" }); section.append(body); }
  return body;
}

function showPackageSummary() {
  const body = pickBody();
  if (!body) { return; }
  body.replaceChildren(el("h3", { text: t("offline_cases") }));
  if (!packageData || !packageData.cases.length) { body.append(el("p", { text: t("no_offline_cases") })); return; }
  body.append(el("p", { text: t("package_from", { time: when(packageData.savedAt) }) }));
  body.append(el("ul", {}, ...packageData.cases.map((item) => el("li", { text: `${item.number} – ${item.label}` }))));
}

async function showPick() {
  const body = pickBody();
  if (!body || !cfg.casesUrl) { return; }
  let answer;
  try { answer = await api(cfg.casesUrl); } catch (error) { handleError(error); showPackageSummary(); return; }
  const kept = new Set((packageData ? packageData.cases : []).map((item) => String(item.id)));
  const form = el("form", { className: "field-pick" });
  const fieldset = el("fieldset", {}, el("legend", { text: t("pick_legend") }));
  if (!answer.cases.length) { fieldset.append(el("p", { text: t("no_assigned_cases") })); }
  for (const item of answer.cases) {
    const id = `field-pick-${item.id}`;
    fieldset.append(el("div", { className: "field-check" },
      el("input", { type: "checkbox", id, name: "case", value: String(item.id), checked: kept.has(String(item.id)) }),
      el("label", { for: id, text: `${item.number} – ${item.label}` })));
  }
  form.append(fieldset);
  const button = el("button", { type: "submit", className: "button", text: t("take_offline") });
  form.append(button);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      await downloadPackage($$("input[name=case]:checked", form).map((input) => input.value));
    } catch (error) {
      handleError(error);
    } finally {
      button.disabled = false;
    }
  });
  body.replaceChildren(form);
  if (packageData) { body.append(el("p", { className: "field-note", text: t("package_from", { time: when(packageData.savedAt) }) })); }
}

async function downloadPackage(ids) {
  const query = new URLSearchParams();
  for (const id of ids) { query.append("case", id); }
  status(t("downloading"));
  const answer = await api(`${cfg.packageUrl}?${query}`);
  packageData = { ...answer, savedAt: Date.now() };
  await store.put("package", packageData);
  fillPickers();
  status(t("downloaded", { n: answer.cases.length }), "ok");
  showStorage();
}

function optionsFor(kind) {
  if (!packageData) { return []; }
  if (kind === "cases") { return packageData.cases.map((item) => [item.id, `${item.number} – ${item.label}`]); }
  if (kind === "sessions") { return (packageData.trainings || []).map((item) => [item.session, item.label]); }
  if (kind === "groups") { return (packageData.savings_groups || []).map((item) => [item.id, item.name]); }
  return [];
}

function fillPickers() {
  for (const select of $$("select[data-offline-options]")) {
    const current = select.value;
    const first = el("option", { value: "", text: t("choose") });
    select.replaceChildren(first, ...optionsFor(select.dataset.offlineOptions).map(([value, label]) => el("option", { value: String(value), text: label })));
    if (current) { select.value = current; }
    drawLines(select.form);
  }
}

function caseById(id) {
  return packageData ? packageData.cases.find((item) => String(item.id) === String(id)) : null;
}

function setField(form, name, value) {
  const field = form.elements[name];
  if (!field) { return; }
  const values = Array.isArray(value) ? value.map(String) : [value === null || value === undefined ? "" : String(value)];
  const nodes = field instanceof RadioNodeList ? Array.from(field) : [field];
  for (const node of nodes) {
    if (node.type === "checkbox" || node.type === "radio") {
      node.checked = node.type === "checkbox" && nodes.length === 1 ? value === true || values.includes(node.value) || values[0] === "true" : values.includes(node.value);
    } else if (node.tagName === "SELECT" && node.multiple) {
      for (const option of node.options) { option.selected = values.includes(option.value); }
    } else {
      node.value = values[0];
    }
  }
}

// Member lines of a meeting and participants of a session are drawn from the package into the
// element the page marks with data-offline-lines="members" or "participants".
function drawLines(form) {
  if (!form) { return; }
  for (const box of $$("[data-offline-lines]", form)) {
    const kind = box.dataset.offlineLines;
    let people = [];
    if (kind === "participants") {
      const session = (packageData && (packageData.trainings || []).find((item) => String(item.session) === String(form.elements.session && form.elements.session.value))) || null;
      people = session ? session.participants : [];
    } else if (kind === "members") {
      const group = (packageData && (packageData.savings_groups || []).find((item) => String(item.id) === String(form.elements.group && form.elements.group.value))) || null;
      people = group ? group.members : [];
    }
    const template = box.querySelector("template");
    const lines = people.map((person) => {
      if (template) {
        const mark = box.dataset.memberMark || "__ID__";
        const html = template.innerHTML.split(mark).join(String(person.id));
        const holder = document.createElement("div");
        holder.innerHTML = html;
        const line = holder.firstElementChild || holder;
        for (const name of line.querySelectorAll("[data-offline-name]")) { name.textContent = person.name; }
        return line;
      }
      const id = `${kind}-${form.dataset.offlineKind}-${person.id}`;
      return el("div", { className: "field-check", "data-offline-line": "" },
        el("input", { type: "checkbox", id, name: box.dataset.offlineName || kind, value: String(person.id) }),
        el("label", { for: id, text: person.name }));
    });
    for (const old of box.querySelectorAll("[data-offline-line]")) { old.remove(); }
    for (const line of lines) { line.dataset.offlineLine = ""; box.append(line); }
  }
}

function onPickerChange(event) {
  const form = event.target.form;
  if (!form || !form.dataset.offlineKind) { return; }
  if (event.target.dataset.offlineOptions) { drawLines(form); }
  if (form.dataset.offlineKind === "savings_meeting" && event.target.name === "group" && packageData) {
    const group = (packageData.savings_groups || []).find((item) => String(item.id) === String(event.target.value));
    const field = form.dataset.ledgerVersionField || "ledger_version";
    if (group) { setField(form, field, group.ledger_version); }
  }
  if (form.dataset.offlineKind === "screening" && event.target.name === "case") {
    const item = caseById(event.target.value);
    if (item && item.screening) {
      for (const [name, value] of Object.entries(item.screening)) { if (name !== "case") { setField(form, name, value); } }
    }
  }
}

// ---------------------------------------------------------------- outbox

function formFields(form) {
  const data = new FormData(form);
  const fields = {};
  const multiple = new Set();
  for (const element of Array.from(form.elements)) {
    if (!element.name) { continue; }
    const sameName = form.querySelectorAll(`[name="${CSS.escape(element.name)}"]`);
    if ((element.type === "checkbox" && sameName.length > 1) || (element.tagName === "SELECT" && element.multiple)) { multiple.add(element.name); }
  }
  for (const name of new Set(data.keys())) {
    if (name === "csrfmiddlewaretoken") { continue; }
    const values = data.getAll(name).filter((value) => typeof value === "string");
    fields[name] = multiple.has(name) || values.length > 1 ? values : values[0];
  }
  for (const name of multiple) { if (!(name in fields)) { fields[name] = []; } }
  return fields;
}

function kindLabel(form) {
  if (form.dataset.offlineLabel) { return form.dataset.offlineLabel; }
  const summary = form.closest("details") ? form.closest("details").querySelector("summary") : null;
  const heading = summary || (form.closest("section") ? form.closest("section").querySelector("h2, h3") : null) || form.querySelector("h2, h3, legend");
  return heading ? heading.textContent.trim() : form.dataset.offlineKind;
}

function subjectLabel(form, fields) {
  for (const name of ["case", "session", "group"]) {
    const select = form.elements[name];
    if (select && select.tagName === "SELECT" && select.selectedIndex > 0) { return select.options[select.selectedIndex].text; }
  }
  for (const name of ["full_name", "name"]) { if (fields[name]) { return fields[name]; } }
  return "";
}

function baseVersion(kind, fields) {
  if (kind === "screening") { const item = caseById(fields.case); return item ? item.version : null; }
  if (kind === "savings_meeting" && packageData) {
    const group = (packageData.savings_groups || []).find((item) => String(item.id) === String(fields.group));
    return group ? group.ledger_version : null;
  }
  return null;
}

async function onKindSubmit(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.offlineKind) { return; }
  event.preventDefault();
  if (!store || !store.unlocked) { status(t("locked"), "error"); return; }
  const kind = form.dataset.offlineKind;
  const fields = formFields(form);
  const caseId = fields.case ? Number(fields.case) : null;
  const operation = {
    id: uuid(),
    kind,
    made_at: isoWithOffset(),
    case: Number.isFinite(caseId) ? caseId : null,
    base_version: baseVersion(kind, fields),
    fields,
  };
  const entry = { operation, label: kindLabel(form), subject: subjectLabel(form, fields), state: "waiting", createdAt: Date.now() };
  if (form.dataset.editing) { await store.remove(`op/${form.dataset.editing}`); delete form.dataset.editing; }
  await store.put(`op/${operation.id}`, entry);
  form.reset();
  drawLines(form);
  await renderLists();
  status(t("saved_waiting"), "ok");
  showStorage();
  if (navigator.onLine) { await sync(); }
}

function sendButton() {
  let button = $(".field-send");
  if (!button) {
    const outbox = $("[data-offline-outbox]");
    if (!outbox) { return null; }
    button = el("button", { type: "button", className: "button field-send", text: t("send_now") });
    button.addEventListener("click", () => sync({ manual: true }));
    outbox.after(button);
  }
  return button;
}

async function renderLists() {
  if (!store || !store.unlocked) { return; }
  const outbox = $("[data-offline-outbox]");
  const saved = $("[data-offline-saved]");
  const conflicts = $("[data-offline-conflicts]");
  const ops = await store.list("op/");
  const results = await store.list("result/");
  if (outbox) {
    outbox.replaceChildren(...ops.map(({ value }) => outboxLine(value)));
    if (!ops.length) { outbox.append(el("li", { className: "field-empty", text: t("nothing_waiting") })); }
  }
  const button = sendButton();
  if (button) { button.hidden = !ops.some(({ value }) => value.state === "waiting"); }
  if (saved) { saved.replaceChildren(...results.filter(({ value }) => value.state !== "conflict").reverse().map(({ value }) => resultLine(value))); }
  if (conflicts) { conflicts.replaceChildren(...results.filter(({ value }) => value.state === "conflict").reverse().map(({ value }) => resultLine(value))); }
}

function title(entry) {
  return entry.subject ? `${entry.label}: ${entry.subject}` : entry.label;
}

function outboxLine(entry) {
  const line = el("li", { className: `field-op field-op-${entry.state}`, "data-op": entry.operation.id },
    el("strong", { text: title(entry) }), " ",
    el("span", { className: "field-badge", text: entry.state === "refused" ? t("refused") : t("waiting") }), " ",
    el("span", { className: "field-time", text: when(entry.createdAt) }));
  if (entry.state === "refused") {
    if (entry.message) { line.append(el("p", { text: entry.message })); }
    const errors = Object.entries(entry.errors || {});
    if (errors.length) {
      line.append(el("ul", { className: "field-errors" }, ...errors.flatMap(([, messages]) => messages.map((message) => el("li", { text: message })))));
    }
    const edit = el("button", { type: "button", className: "link-button", text: t("edit") });
    edit.addEventListener("click", () => editOperation(entry));
    const discard = el("button", { type: "button", className: "link-button", text: t("discard") });
    discard.addEventListener("click", async () => {
      if (!window.confirm(t("discard_confirm"))) { return; }
      await store.remove(`op/${entry.operation.id}`);
      await renderLists();
    });
    line.append(el("div", { className: "field-actions" }, edit, " ", discard));
  }
  return line;
}

function resultLine(entry) {
  const line = el("li", { className: `field-op field-op-${entry.state}` },
    el("strong", { text: title(entry) }), " ",
    el("span", { className: "field-badge", text: entry.state === "conflict" ? t("conflict") : t("sent") }), " ",
    el("span", { className: "field-time", text: when(entry.at) }));
  if (entry.state === "conflict" && entry.url) {
    line.append(el("p", { text: entry.message || t("conflict_help") }), el("a", { href: entry.url, text: t("resolve") }));
  } else if (entry.url) {
    line.append(" ", el("a", { href: entry.url, text: t("open") }));
  }
  return line;
}

function editOperation(entry) {
  const form = $(`form[data-offline-kind="${CSS.escape(entry.operation.kind)}"]`);
  if (!form) { return; }
  form.reset();
  for (const [name, value] of Object.entries(entry.operation.fields)) {
    setField(form, name, value);
    if (name === "session" || name === "group") { drawLines(form); }
  }
  for (const [name, value] of Object.entries(entry.operation.fields)) { setField(form, name, value); }
  form.dataset.editing = entry.operation.id;
  if (form.closest("details")) { form.closest("details").open = true; }
  form.scrollIntoView();
  const first = form.querySelector("input:not([type=hidden]), select, textarea");
  if (first) { first.focus(); }
}

// ---------------------------------------------------------------- sync

async function sync({ manual = false } = {}) {
  if (syncing || !store || !store.unlocked || !cfg.syncUrl) { return; }
  const ops = (await store.list("op/")).filter(({ value }) => value.state === "waiting");
  if (!ops.length) { if (manual) { status(t("nothing_waiting"), "ok"); } return; }
  syncing = true;
  status(t("sending"));
  try {
    const answer = await api(cfg.syncUrl, { method: "POST", body: { device: store.deviceId, operations: ops.map(({ value }) => value.operation) } });
    await store.touchContact();
    const byId = new Map(ops.map(({ value }) => [value.operation.id, value]));
    let sent = 0;
    let conflicts = 0;
    let refused = 0;
    for (const result of answer.results || []) {
      const entry = byId.get(result.id);
      if (!entry) { continue; }
      if (result.status === "applied" || result.status === "duplicate") {
        await store.put(`result/${result.id}`, { label: entry.label, subject: entry.subject, state: "sent", url: result.record ? result.record.url : null, at: Date.now() });
        await store.remove(`op/${result.id}`);
        sent += 1;
      } else if (result.status === "conflict") {
        await store.put(`result/${result.id}`, { label: entry.label, subject: entry.subject, state: "conflict", url: result.conflict ? result.conflict.url : null, message: result.message, at: Date.now() });
        await store.remove(`op/${result.id}`);
        conflicts += 1;
      } else if (result.status === "refused") {
        await store.put(`op/${result.id}`, { ...entry, state: "refused", message: result.message, errors: result.errors || {} });
        refused += 1;
      }
    }
    await trimResults();
    await renderLists();
    status(t("sync_done", { sent, conflicts, refused }), refused || conflicts ? "warning" : "ok");
    if (sent && packageData && packageData.cases.length) {
      try { await downloadPackage(packageData.cases.map((item) => item.id)); } catch (error) { /* kept: the older package stays */ }
    }
  } catch (error) {
    handleError(error);
  } finally {
    syncing = false;
  }
}

async function trimResults() {
  const results = await store.list("result/");
  for (const { name } of results.slice(0, Math.max(0, results.length - 50))) { await store.remove(name); }
}

function handleError(error) {
  if (error instanceof Gone) {
    wipe().then(() => status(error.serverMessage || t("device_gone"), "error"));
  } else if (error instanceof Offline) {
    status(t("unreachable"), "warning");
  } else if (error instanceof SignedOut) {
    status(t("signed_out"), "error");
  } else if (error instanceof Refused) {
    status(t("server_refused"), "error");
  } else {
    status(t("error"), "error");
    console.error(error); // eslint-disable-line no-console
  }
}

// ---------------------------------------------------------------- start

async function start() {
  hookLogout();
  if (!app) { return; }
  loadStrings();
  cfg = { ...app.dataset };
  cfg.maxOfflineDays = Number(cfg.maxOfflineDays) || 7;
  S = await storeModule;
  addManifestLink();
  showForms(false);
  const pin = pinForm();
  if (pin) { pin.hidden = true; pin.addEventListener("submit", onPinSubmit); }
  document.addEventListener("submit", onKindSubmit);
  document.addEventListener("change", onPickerChange);
  window.addEventListener("online", () => { status(t("back_online")); if (store && store.unlocked) { sync(); } });
  window.addEventListener("offline", () => status(t("ready_offline"), "warning"));

  store = await S.FieldStore.open(cfg.org);
  let record = await store.keyRecord();
  if (record && record.user !== String(cfg.user)) {
    // Someone else's data (a sign-out that did not go through this page): erase, never show.
    await wipe({ tellServer: false });
    store = await S.FieldStore.open(cfg.org);
    record = null;
  }
  if (record && S.daysOffline(record) > (record.maxOfflineDays || cfg.maxOfflineDays)) {
    await wipe();
    status(t("too_long_offline", { days: record.maxOfflineDays || cfg.maxOfflineDays }), "error");
    return;
  }
  // The service worker starts only once the phone may keep data: never after a wipe.
  if (!record) { registerServiceWorker(); showRegister(); showStorage(); return; }
  store.deviceId = record.device;
  store.maxOfflineDays = record.maxOfflineDays;
  if (navigator.onLine) {
    try {
      await unlockOnline(record);
      registerServiceWorker();
      await opened();
      return;
    } catch (error) {
      if (error instanceof Gone) { handleError(error); return; }
      // No network after all, signed out or refused: the PIN still opens the work.
    }
  }
  registerServiceWorker();
  if (record.byPin) { askPin("unlock"); } else { status(t("connect_to_set_up"), "warning"); }
  showStorage();
}

start();
