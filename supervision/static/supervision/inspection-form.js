// The finding's fields show only while "发现问题" is ticked (no inline script: CSP).
(function () {
  "use strict";
  var box = document.querySelector("#inspection-form input[name=has_finding]");
  var fields = document.getElementById("finding-fields");
  if (!box || !fields) return;
  function sync() { fields.hidden = !box.checked; }
  box.addEventListener("change", sync);
  sync();
})();
