// The log form: show the follow-up task fields only when "Opret opfølgningsopgave" is ticked.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("#follow_up");
  const fields = document.querySelector("[data-follow-up-fields]");
  if (!toggle || !fields) return;
  const update = () => { fields.hidden = !toggle.checked; };
  toggle.addEventListener("change", update);
  update();
});
