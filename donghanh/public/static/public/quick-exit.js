// Quick exit: leave for a neutral site at once, leaving "back" no page of this site to return to.
// Esc pressed twice within a second does the same. Without JavaScript the button is a plain link
// that still leaves (and every page visited stays in the tab's history).
//
// A page cannot remove entries from the tab's history, only replace its own. So, while scripts
// run, this site never adds an entry: a link or a search within the site replaces the current
// page (location.replace) instead of stacking a new one, and a form sent by POST (the
// self-check) is sent in the background and its answer shown in place of the questions. The
// tab's history then holds one page of this site at most, and quick exit replaces it with the
// neutral site: "back" goes to whatever was open before this site (a search engine, a blank tab).
//
// What no web page can reach, and the footer says so: the browser's own list of visited pages
// (its history page, the address bar's suggestions), other tabs, and pages opened by typing the
// address, from a bookmark, with JavaScript off or before this script had loaded.
(function () {
  "use strict";
  var EXIT = "[data-quick-exit]";
  if (!document.querySelector(EXIT)) { return; }
  var lastEscape = 0;
  var sending = false;

  function leave(event) {
    if (event) { event.preventDefault(); }
    var exit = document.querySelector(EXIT);
    document.body.hidden = true;  // hide the page while the neutral one loads
    window.location.replace(exit.href);
  }

  function sameSite(url) {
    return url.origin === window.location.origin && /^https?:$/.test(url.protocol);
  }

  // A plain click on a link to a page of this site: go there in place of this page.
  function follow(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) { return; }
    var anchor = event.target.closest ? event.target.closest("a[href]") : null;
    if (!anchor) { return; }
    if (anchor.matches(EXIT)) { leave(event); return; }
    if (anchor.hasAttribute("download")) { return; }
    if (anchor.target && anchor.target !== "_self") { return; }
    var url = new URL(anchor.href, window.location.href);
    if (!sameSite(url)) { return; }
    event.preventDefault();
    window.location.replace(url.href);
  }

  function fields(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var encoded = new URLSearchParams();
    data.forEach(function (value, name) {
      if (typeof value === "string") { encoded.append(name, value); }
    });
    return encoded;
  }

  // The answer to a form sent in the background, shown in place of this page.
  function show(html, address) {
    var page = new DOMParser().parseFromString(html, "text/html");
    document.title = page.title;
    document.body.replaceWith(document.adoptNode(page.body));
    if (address && address !== window.location.href) {
      window.history.replaceState(null, "", address);
    }
    window.scrollTo(0, 0);
    var main = document.getElementById("main");
    if (main) { main.focus(); }
  }

  function post(form, submitter, url) {
    sending = true;
    window.fetch(url.href, {
      method: "POST",
      body: fields(form, submitter),
      credentials: "same-origin",
      cache: "no-store",
      headers: {"Accept": "text/html"}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("text/html") !== 0) { throw new Error("not a page"); }
      return response.text().then(function (html) { show(html, response.url); });
    }).catch(function () {
      HTMLFormElement.prototype.submit.call(form);  // as without JavaScript
    }).then(function () { sending = false; });
  }

  // A form sent within this site: a search (GET) goes to its results in place of this page;
  // a form sent by POST is sent in the background (see above).
  function submit(event) {
    var form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) { return; }
    var submitter = event.submitter;
    var target = form.getAttribute("target");
    if (target && target !== "_self") { return; }
    var method = ((submitter && submitter.getAttribute("formmethod")) ||
      form.getAttribute("method") || "get").toLowerCase();
    var action = (submitter && submitter.getAttribute("formaction")) ||
      form.getAttribute("action") || window.location.href;
    var url = new URL(action, window.location.href);
    if (!sameSite(url)) { return; }
    if (method === "get") {
      event.preventDefault();
      url.search = fields(form, submitter).toString();
      url.hash = "";
      window.location.replace(url.href);
    } else if (method === "post" && !form.getAttribute("enctype") && window.fetch) {
      event.preventDefault();
      if (!sending) { post(form, submitter, url); }
    }
  }

  document.addEventListener("click", follow);
  document.addEventListener("submit", submit);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) { leave(event); } else { lastEscape = now; }
  });
})();
