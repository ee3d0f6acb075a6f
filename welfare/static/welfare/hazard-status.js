/* The tracking code of a new hazard report: copy it, or share it (where the phone can). */
(function () {
  "use strict";
  var code = document.getElementById("tracking-code");
  var copy = document.getElementById("copy-code");
  var share = document.getElementById("share-code");
  var said = document.getElementById("copy-status");
  if (!code || !copy) { return; }
  function selectCode() {
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  copy.addEventListener("click", function () {
    var text = code.textContent.trim();
    var done = function () { said.textContent = copy.getAttribute("data-copied"); };
    var failed = function () { selectCode(); said.textContent = copy.getAttribute("data-failed"); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () {
        selectCode();
        try { if (document.execCommand("copy")) { done(); return; } } catch (e) { /* below */ }
        failed();
      });
    } else {
      selectCode();
      try { if (document.execCommand("copy")) { done(); return; } } catch (e) { /* below */ }
      failed();
    }
  });
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({
        title: share.getAttribute("data-title"),
        text: code.textContent.trim(),
        url: new URL(share.getAttribute("data-url"), window.location.href).href
      }).catch(function () { /* the worker closed the share sheet */ });
    });
  }
})();
