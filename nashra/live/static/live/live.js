/* nashra live coverage: ask the poll endpoint what changed after the last change seen, every
   POLL seconds (slower while the tab is hidden), and show it without moving what the reader is
   reading. New entries wait behind the «N تحديثات جديدة» button unless the reader is at the top
   of the list; corrections, pins and deletions apply in place. Same-origin, no cookies. */
(function () {
  "use strict";
  var POLL = 2000, HIDDEN_POLL = 15000;
  var doc = document;

  function digits(text, style) {
    if (style !== "arabic") return String(text);
    return String(text).replace(/[0-9]/g, function (d) { return "٠١٢٣٤٥٦٧٨٩".charAt(+d); });
  }

  function phrase(n, style) {
    // Arabic number agreement: 1, 2, 3-10, 11 and more.
    if (n === 1) return "تحديث جديد";
    if (n === 2) return "تحديثان جديدان";
    if (n <= 10) return digits(n, style) + " تحديثات جديدة";
    return digits(n, style) + " تحديثًا جديدًا";
  }

  function fragment(html) {
    var t = doc.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }

  function start(root) {
    var src = root.getAttribute("data-live-poll");
    if (!src || !window.fetch) return;
    var list = root.querySelector("[data-live-entries]");
    var button = root.querySelector("[data-live-more]");
    var announce = root.querySelector("[data-live-announce]");
    var highlights = root.querySelector("[data-live-highlights]");
    var style = root.getAttribute("data-live-digits");
    var seq = parseInt(root.getAttribute("data-live-seq"), 10) || 0;
    var waiting = [];  // new entries not shown yet, oldest first
    var timer = null;

    // Keep the element the reader is looking at where it is on the screen while the list
    // above it changes.
    function anchored(change) {
      var items = list.children, mark = null, top = 0;
      for (var i = 0; i < items.length; i++) {
        var r = items[i].getBoundingClientRect();
        if (r.bottom > 0) { mark = items[i]; top = r.top; break; }
      }
      change();
      if (mark && mark.isConnected) {
        var moved = mark.getBoundingClientRect().top - top;
        if (moved) window.scrollBy(0, moved);
      }
    }

    function atTop() {
      return list.getBoundingClientRect().top >= 0;
    }

    function showWaiting() {
      if (!waiting.length) return;
      var shown = waiting.length;
      anchored(function () {
        waiting.forEach(function (el) { list.insertBefore(el, list.firstChild); });
      });
      waiting = [];
      var empty = root.querySelector("[data-live-empty]");
      if (empty) empty.hidden = true;
      button.hidden = true;
      announce.textContent = "أضيف " + phrase(shown, style) + " في أعلى القائمة.";
    }

    function apply(data) {
      data.entries.forEach(function (item) {
        var existing = doc.getElementById("entry-" + item.id);
        var queued = waiting.filter(function (el) { return el.id === "entry-" + item.id; })[0];
        if (item.deleted) {
          if (existing) anchored(function () { existing.remove(); });
          if (queued) waiting.splice(waiting.indexOf(queued), 1);
          return;
        }
        var el = fragment(item.html);
        if (existing) anchored(function () { existing.replaceWith(el); });
        else if (queued) waiting[waiting.indexOf(queued)] = el;
        else waiting.push(el);
      });
      if (data.highlights !== undefined && highlights) {
        anchored(function () {
          highlights.innerHTML = data.highlights;
          highlights.hidden = !highlights.querySelector("li");
        });
      }
      if (waiting.length && atTop()) showWaiting();
      if (waiting.length) {
        button.textContent = phrase(waiting.length, style);
        button.hidden = false;
      } else {
        button.hidden = true;
      }
      if (data.state !== "live") {
        root.removeAttribute("data-live-poll");
        var status = root.querySelector(".live__status");
        if (status) status.innerHTML = '<span class="live-badge live-badge--ended">انتهت التغطية</span>';
      }
    }

    function poll() {
      fetch(src + "?after=" + seq, {credentials: "omit"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return schedule();
          if (data.reload) { window.location.reload(); return; }
          if (data.seq > seq) seq = data.seq;
          apply(data);
          if (data.state === "live") schedule();
        })
        .catch(function () { schedule(); });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(poll, doc.hidden ? HIDDEN_POLL : POLL);
    }

    button.addEventListener("click", showWaiting);
    doc.addEventListener("visibilitychange", function () { if (!doc.hidden) { clearTimeout(timer); poll(); } });
    schedule();
  }

  function ready() {
    Array.prototype.forEach.call(doc.querySelectorAll("[data-live]"), start);
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
