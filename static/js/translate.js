// "Translate" under a post in another language: POSTs to the JSON endpoint and
// puts the translation in place of the button, with a spinner while it waits
// and a short error (and the button back, to retry) if the service fails.
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var messages = document.getElementById("translate-messages");
  if (!csrf || !messages) return;

  function text(name) { return messages.dataset[name]; }

  function show(box, element) {
    box.replaceChildren(element);
  }

  function translate(box, button) {
    var spinner = document.createElement("span");
    spinner.className = "text-muted translate-pending";
    spinner.setAttribute("role", "status");
    spinner.innerHTML = '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>';
    spinner.append(text("pending"));
    show(box, spinner);

    fetch(box.dataset.translateUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf.content, "Accept": "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok || typeof data.text !== "string") throw new Error(data.error || text("failed"));
          return data;
        });
      })
      .then(function (data) {
        var result = document.createElement("div");
        result.className = "translated-text border-start border-3 ps-2 text-body";
        result.lang = data.language;
        var label = document.createElement("div");
        label.className = "text-muted";
        label.textContent = text("done");
        var body = document.createElement("div");
        body.className = "post-body";
        body.textContent = data.text;
        result.append(label, body);
        show(box, result);
      })
      .catch(function (error) {
        var problem = document.createElement("span");
        problem.className = "text-danger translate-error me-2";
        problem.setAttribute("role", "alert");
        // A network failure has a browser-made message; ours are already in the reader's language.
        problem.textContent = error instanceof TypeError ? text("failed") : error.message;
        box.replaceChildren(problem, button);
      });
  }

  document.querySelectorAll("[data-translate-url]").forEach(function (box) {
    box.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".translate-button");
    if (!button) return;
    var box = button.closest("[data-translate-url]");
    if (box) translate(box, button);
  });
})();
