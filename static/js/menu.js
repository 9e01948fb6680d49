// On a phone the menu folds behind a "Menu" button (static/css/phone.css decides when); without
// JavaScript, or on a wide screen, every link stays in view.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".main-nav").forEach((nav, i) => {
    const list = nav.querySelector("ul");
    if (!list) return;
    list.id = list.id || `menu-${i + 1}`;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button menu-toggle";
    button.textContent = "Menu";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", list.id);
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("open", open);
    });
    nav.prepend(button);
    nav.classList.add("can-fold");
  });
});
