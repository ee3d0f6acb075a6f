// The admin's background import page: poll the job's state and reload when it is done.
(function () {
  "use strict";
  const box = document.getElementById("import-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  const count = box.querySelector(".import-count");
  const total = box.querySelector(".import-total");
  function poll() {
    fetch(box.dataset.stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((state) => {
        if (state.total) { bar.max = state.total; total.textContent = state.total; }
        bar.value = state.done; count.textContent = state.done;
        if (state.status === "done") { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(() => window.setTimeout(poll, 3000));
  }
  window.setTimeout(poll, 500);
})();
