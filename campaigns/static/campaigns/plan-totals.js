// The plan's running total against the depot's stock, kept up to date as quantities are typed.
(function () {
  "use strict";
  var box = document.getElementById("plan-totals");
  if (!box) { return; }
  var available = parseInt(box.getAttribute("data-available"), 10) || 0;
  var inputs = Array.prototype.slice.call(document.querySelectorAll("[data-plan-quantity]"));
  var total = document.getElementById("plan-total");
  var left = document.getElementById("plan-left");
  var over = document.getElementById("plan-over");
  function update() {
    var sum = 0;
    inputs.forEach(function (input) {
      var n = parseInt(input.value, 10);
      sum += isNaN(n) || n < 0 ? 0 : n;
      var cell = input.closest("tr").querySelector("[data-running]");
      if (cell) { cell.textContent = String(sum); }
    });
    total.textContent = String(sum);
    var isOver = sum > available;
    left.textContent = (isOver ? left.getAttribute("data-over-text") + " " + (sum - available)
                                : left.getAttribute("data-left-text") + " " + (available - sum));
    over.hidden = !isOver;
    box.classList.toggle("over", isOver);
  }
  inputs.forEach(function (input) { input.addEventListener("input", update); });
  update();
})();
