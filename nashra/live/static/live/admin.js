/* nashra live coverage, the composer: every two seconds, ask what changed after the last
   change this screen shows (the admin's own answer, never cached) and put it in the list, so
   editors posting at once see each other's entries appear. Confirms ending and deleting. */
(function () {
  "use strict";
  var doc = document;

  function start(root) {
    var src = root.getAttribute("data-live-admin");
    var seq = parseInt(root.getAttribute("data-live-seq"), 10) || 0;
    var list = root.querySelector("[data-live-admin-entries]");

    function poll() {
      fetch(src + "?after=" + seq, {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          data.entries.forEach(function (item) {
            var old = list.querySelector('[data-entry="' + item.id + '"]');
            if (item.deleted) { if (old) old.remove(); return; }
            var t = doc.createElement("template");
            t.innerHTML = item.html.trim();
            var el = t.content.firstElementChild;
            if (old) old.replaceWith(el);
            else list.insertBefore(el, list.firstChild);
          });
          if (data.seq > seq) seq = data.seq;
        })
        .catch(function () {})
        .then(function () { setTimeout(poll, 2000); });
    }
    setTimeout(poll, 2000);
  }

  doc.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-live-confirm]");
    if (form && !window.confirm(form.getAttribute("data-live-confirm"))) event.preventDefault();
  });

  function ready() {
    Array.prototype.forEach.call(doc.querySelectorAll("[data-live-admin]"), start);
  }
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
