/* nashra discovery: count the read, keep the breaking bar and most-read fresh on cached pages,
   and turn the most-read lists into tabs. Same-origin requests only, no cookies sent. */
(function () {
  "use strict";
  var doc = document;

  function beacon() {
    var el = doc.querySelector("[data-view-beacon]");
    if (!el || !window.fetch) return;
    fetch(el.getAttribute("data-view-beacon"), {method: "POST", keepalive: true, credentials: "omit"})
      .catch(function () {});
  }

  function tabs(root) {
    var sets = root.querySelectorAll("[data-tabs]");
    Array.prototype.forEach.call(sets, function (set) {
      var list = set.querySelector("[role=tablist]");
      var buttons = set.querySelectorAll("[data-tab]");
      var panels = set.querySelectorAll("[data-panel]");
      function show(name) {
        Array.prototype.forEach.call(buttons, function (b) {
          b.setAttribute("aria-selected", String(b.getAttribute("data-tab") === name));
        });
        Array.prototype.forEach.call(panels, function (p) {
          p.hidden = p.getAttribute("data-panel") !== name;
        });
      }
      Array.prototype.forEach.call(buttons, function (b) {
        b.addEventListener("click", function () { show(b.getAttribute("data-tab")); });
      });
      list.hidden = false;
      set.classList.add("tabs--js");
      show("day");
    });
  }

  function refresh(el) {
    fetch(el.getAttribute("data-live-src"), {credentials: "omit"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        el.innerHTML = html;
        if (el.classList.contains("breaking")) el.hidden = !html.trim();
        tabs(el);
      })
      .catch(function () {});
  }

  function start() {
    beacon();
    tabs(doc);
    if (!window.fetch) return;
    Array.prototype.forEach.call(doc.querySelectorAll("[data-live-src]"), function (el) {
      refresh(el);
      var every = parseInt(el.getAttribute("data-live-every"), 10);
      if (every > 0) setInterval(function () { refresh(el); }, every * 1000);
    });
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
  else start();
})();
