// The accident registration form, one step at a time on a phone: each <fieldset
// class="form-step"> is shown alone with 上一步/下一步; a step holding a server-side
// error opens first. Without the script (or on a wide screen) every step is shown.
(function () {
  "use strict";
  var form = document.getElementById("accident-form");
  if (!form || !window.matchMedia("(max-width: 700px)").matches) return;
  var steps = Array.prototype.slice.call(form.querySelectorAll("fieldset.form-step"));
  var nav = form.querySelector(".step-nav");
  var submit = form.querySelector('button[type="submit"]');
  if (steps.length < 2 || !nav) return;
  var current = 0;
  steps.forEach(function (step, i) {
    if (current === 0 && step.querySelector(".error")) current = i;
  });
  function show(n) {
    current = Math.max(0, Math.min(steps.length - 1, n));
    steps.forEach(function (step, i) { step.hidden = i !== current; });
    nav.querySelector('[data-go="-1"]').hidden = current === 0;
    nav.querySelector('[data-go="1"]').hidden = current === steps.length - 1;
    submit.hidden = current !== steps.length - 1;
  }
  nav.hidden = false;
  nav.addEventListener("click", function (event) {
    var go = event.target.getAttribute("data-go");
    if (!go) return;
    var fields = steps[current].querySelectorAll("input, select, textarea");
    for (var i = 0; go === "1" && i < fields.length; i++) {
      if (!fields[i].checkValidity()) { fields[i].reportValidity(); return; }
    }
    show(current + parseInt(go, 10));
    var first = steps[current].querySelector("input, select, textarea");
    if (first) first.focus();
  });
  show(current);
})();
