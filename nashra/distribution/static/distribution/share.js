// "نسخ الرابط": copy the short link where the browser allows it; without JavaScript the
// link still leads to the story, and the short link is printed beside it.
document.addEventListener("click", function (event) {
  var link = event.target.closest("[data-copy-link]");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  navigator.clipboard.writeText(link.href).then(function () {
    link.textContent = "نُسخ الرابط";
  }, function () {
    window.location.href = link.href;
  });
});
