// A filter <select data-autosubmit> sends its form when changed (the button stays for
// keyboards and browsers without JavaScript). A file, not an inline handler: the
// Content-Security-Policy allows no inline script.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
