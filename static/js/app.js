// Small progressive enhancements; the app works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before destructive actions: <form data-confirm="Er du sikker?">
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // A print button: <button data-print> (a page to print or save as PDF).
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  // Move focus to the first field with an error, so keyboard and screen-reader users land on it.
  const invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) invalid.focus();
});
