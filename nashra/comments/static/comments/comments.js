/* Comment form on a page that may come from a cache: fetch a fresh token, post without reload,
   move the form under a comment to reply, remember name and email in this browser on request. */
(function () {
  "use strict";
  var form = document.querySelector("[data-comment-form]");
  if (!form || !window.fetch) return;
  var KEY = "nashra.commenter";
  var status = form.querySelector("[data-status]");
  var remember = form.querySelector("[data-remember]");
  var home = form.parentNode;
  var tokenPromise = null;

  function fetchToken() {
    if (!tokenPromise) {
      tokenPromise = fetch("/comments/token/", { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (!data.csrf) throw new Error(data.message);  // a 503: ask again on sending
          form.elements.csrfmiddlewaretoken.value = data.csrf;
          form.elements.ts.value = data.ts;
        })
        .catch(function () { tokenPromise = null; });
    }
    return tokenPromise;
  }
  form.addEventListener("focusin", fetchToken, { once: true });

  remember.hidden = false;
  var box = remember.querySelector("input");
  try {
    var saved = JSON.parse(localStorage.getItem(KEY) || "null");
    if (saved) {
      form.elements.author_name.value = saved.name || "";
      form.elements.author_email.value = saved.email || "";
      form.elements.author_url.value = saved.url || "";
      box.checked = true;
    }
  } catch (e) { /* storage blocked: the form still works */ }
  box.addEventListener("change", function () {
    if (!box.checked) { try { localStorage.removeItem(KEY); } catch (e) { /* ignore */ } }
  });

  function setReply(id) {
    form.elements.parent.value = id || "";
    form.querySelector("[data-replying]").hidden = !id;
    var target = id ? document.getElementById("comment-" + id) : null;
    if (target) { target.querySelector("article").after(form); } else { home.appendChild(form); }
    form.elements.body.focus();
  }
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest("[data-reply-to]");
    if (link) { ev.preventDefault(); setReply(link.getAttribute("data-reply-to")); }
    if (ev.target.closest("[data-cancel-reply]")) { ev.preventDefault(); setReply(null); }
  });

  function clearErrors() {
    form.querySelectorAll(".comment-form__error[data-js]").forEach(function (n) { n.remove(); });
  }
  function showErrors(errors) {
    Object.keys(errors || {}).forEach(function (name) {
      var field = form.elements[name];
      var span = document.createElement("span");
      span.className = "comment-form__error";
      span.setAttribute("role", "alert");
      span.setAttribute("data-js", "");
      span.textContent = errors[name].map(function (e) { return e.message; }).join(" ");
      if (field && field.type !== "hidden") { field.after(span); } else { status.before(span); }
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearErrors();
    status.textContent = "جارٍ الإرسال…";
    fetchToken().then(function () {
      return fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json" }
      });
    }).then(function (r) { return r.json(); }).then(function (data) {
      status.textContent = data.message;
      if (!data.ok) { showErrors(data.errors); return; }
      try {
        if (box.checked) {
          localStorage.setItem(KEY, JSON.stringify({
            name: form.elements.author_name.value, email: form.elements.author_email.value,
            url: form.elements.author_url.value
          }));
        }
      } catch (e) { /* ignore */ }
      if (data.html) {
        var holder = document.createElement("ol");
        holder.innerHTML = data.html;
        var item = holder.firstElementChild;
        var parent = data.parent ? document.getElementById("comment-" + data.parent) : null;
        var list;
        if (parent) {
          list = parent.querySelector(":scope > .comments__replies");
          if (!list) { list = document.createElement("ol"); list.className = "comments__replies"; parent.appendChild(list); }
        } else {
          list = document.querySelector(".comments__list");
          if (!list) { list = document.createElement("ol"); list.className = "comments__list"; home.before(list); }
        }
        list.appendChild(item);
        var empty = document.querySelector(".comments__empty");  // «لا تعليقات بعد»
        if (empty) { empty.remove(); }
      }
      form.elements.body.value = "";
      setReply(null);
      status.textContent = data.message;
      tokenPromise = null;
    }).catch(function () {
      status.textContent = "تعذر الإرسال بسبب مشكلة في الاتصال. حاول مرة أخرى.";
    });
  });
})();
