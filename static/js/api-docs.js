// The API documentation page: Swagger UI on the generated spec (no inline script: CSP).
// No deep links: they put a link inside each operation's button (axe: nested-interactive). No
// server picker: the spec has one server, the site itself, and the picker is an unlabelled select.
// No syntax colours in the examples: several fail contrast on the dark background.
(function () {
  var root = document.getElementById("swagger-ui");
  var noServerPicker = function () { return { components: { ServersContainer: function () { return null; } } }; };
  window.SwaggerUIBundle({ url: root.dataset.specUrl, domNode: root, deepLinking: false, plugins: [noServerPicker],
                          syntaxHighlight: { activated: false } });

  // What Swagger UI draws when an operation is opened: a parameter's select gets the parameter's
  // name as its label, and a scrollable example can be reached (and scrolled) with the keyboard.
  function mend() {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", select.closest("tr").dataset.paramName);
    });
    root.querySelectorAll(".highlight-code pre:not([tabindex])").forEach(function (pre) {
      pre.setAttribute("tabindex", "0");
    });
  }
  new MutationObserver(mend).observe(root, { childList: true, subtree: true });
})();
