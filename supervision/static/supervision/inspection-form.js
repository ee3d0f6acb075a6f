/* The inspection form on a phone (no inline script: CSP).
   - The finding's fields show only while "发现问题" is ticked.
   - Offline, a submitted inspection is kept on the phone (localStorage, the photo as a
     data URL) and sent once the connection returns, oldest first. Each carries a
     client_uuid made when the form was opened, so a send repeated after a lost answer is
     recorded once on the server.
   - A service worker (served at data-sw) keeps this page so it opens with no signal. */
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  if (!form) { return; }
  var box = form.querySelector("input[name=has_finding]");
  var fields = document.getElementById("finding-fields");
  var uuidInput = form.querySelector("input[name=client_uuid]");
  var photoInput = form.querySelector("input[name=photos]");
  var status = document.getElementById("queue-status");
  var KEY = "yizhan.inspections.queue." + (form.getAttribute("data-user") || "");
  var PHOTO_MAX = 3 * 1024 * 1024;
  var flushing = false;

  function sync() { if (box && fields) { fields.hidden = !box.checked; } }
  if (box) { box.addEventListener("change", sync); }
  sync();

  function newUuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0;
      return (c === "x" ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }
  function freshUuid() { if (uuidInput) { uuidInput.value = newUuid(); } }
  if (uuidInput && !uuidInput.value) { freshUuid(); }

  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(queue) { localStorage.setItem(KEY, JSON.stringify(queue)); }
  function text(name) { return status ? (status.getAttribute("data-" + name) || "") : ""; }

  function render(message) {
    if (!status) { return; }
    var waiting = load().length;
    var parts = [];
    if (waiting) { parts.push(text("queued").replace("%(n)s", String(waiting))); }
    if (message) { parts.push(message); }
    status.textContent = parts.join(" ");
    status.hidden = parts.length === 0;
  }

  function readPhoto(file) {
    return new Promise(function (resolve) {
      if (!file || file.size > PHOTO_MAX) { resolve(null); return; }
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { resolve(null); };
      reader.readAsDataURL(file);
    });
  }

  form.addEventListener("submit", function (event) {
    if (navigator.onLine) { return; }  // an ordinary post
    event.preventDefault();
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") { pairs.push([name, value]); }
    });
    var file = photoInput && photoInput.files[0];
    var select = form.querySelector("select[name=workplace]");
    var label = select && select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : "";
    readPhoto(file).then(function (photo) {
      var item = { uuid: uuidInput ? uuidInput.value : newUuid(), fields: pairs, label: label,
                   photo: photo, photo_name: file ? file.name : "" };
      var queue = load();
      queue.push(item);
      try { save(queue); } catch (e) { item.photo = null; save(queue); }
      form.reset();
      freshUuid();
      sync();
      render(text("saved"));
      window.scrollTo(0, 0);
    });
  });

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function send(item) {
    var body = new FormData();
    item.fields.forEach(function (pair) {
      if (pair[0] !== "csrfmiddlewaretoken") { body.append(pair[0], pair[1]); }
    });
    body.append("csrfmiddlewaretoken", csrfToken());  // the page's own: a login renews it
    var photo = item.photo ? fetch(item.photo).then(function (r) { return r.blob(); }) : Promise.resolve(null);
    return photo.then(function (blob) {
      if (blob) { body.append("photos", blob, item.photo_name || "photo.jpg"); }
      return fetch(form.getAttribute("action") || window.location.pathname, {
        method: "POST", body: body, credentials: "same-origin", headers: { "X-Queue": "1" },
      });
    });
  }

  function drop(uuid) { save(load().filter(function (i) { return i.uuid !== uuid; })); }

  function flush() {
    if (flushing || !navigator.onLine) { return; }
    var queue = load();
    if (!queue.length) { return; }
    flushing = true;
    var item = queue[0];
    send(item).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) { throw new Error("login"); }  // signed out (login page) or refused: keep it
      return response.json().then(function (answer) {
        drop(item.uuid);
        if (response.ok) {
          render(text("sent").replace("%(label)s", item.label));
        } else {
          render(text("failed").replace("%(label)s", item.label) + " " +
                 ((answer.error && answer.error.message) || ""));
        }
      });
    }).then(function () {
      flushing = false;
      flush();
    }, function (error) {
      flushing = false;
      render(error && error.message === "login" ? text("login") : "");
    });
  }

  window.addEventListener("online", flush);
  render();
  flush();

  var sw = form.getAttribute("data-sw");
  if (sw && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(sw, { scope: form.getAttribute("data-sw-scope") || undefined })
      .catch(function () { /* the page still works online */ });
  }
})();
