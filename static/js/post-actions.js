// Like, boost, bookmark and their undo without a reload: the buttons submit the page's one
// #post-action form (posts/_post_action_form.html) to their formaction; here the same POST goes through
// fetch, asking for JSON, and every copy of the post on the page gets the new state
// and counts. Without JavaScript the form posts and the server redirects back.
(function () {
  "use strict";
  var form = document.getElementById("post-action");
  if (!form) return;
  var token = form.querySelector('input[name="csrfmiddlewaretoken"]');

  function apply(data) {
    document.querySelectorAll('.post[data-post="' + data.id + '"]').forEach(function (post) {
      post.classList.toggle("is-liked", data.liked);
      post.classList.toggle("is-boosted", data.boosted);
      post.classList.toggle("is-bookmarked", data.bookmarked);
      post.querySelectorAll("[data-count]").forEach(function (count) {
        var value = data[count.dataset.count + "_count"];
        if (typeof value === "number") count.textContent = value;
      });
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest('button[form="post-action"][data-action]');
    if (!button || button.disabled) return;
    event.preventDefault();
    button.disabled = true;  // a double click sends one request (and the server counts it once anyway)
    fetch(button.formAction, {
      method: "POST",
      headers: { "X-CSRFToken": token.value, "Accept": "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        apply(data);
        // Keyboard focus moves to the button that is now shown (like ↔ undo like).
        var post = button.closest(".post");
        var twin = post && post.querySelector('button[data-action][formaction]:not([data-action="' + button.dataset.action + '"])[data-action$="' + button.dataset.action.replace(/^un/, "") + '"]');
        if (twin && document.activeElement === button) twin.focus();
      })
      .catch(function () {
        // Fall back to the plain form post: the server answers and redirects back.
        form.action = button.formAction;
        form.submit();
      })
      .finally(function () { button.disabled = false; });
  });
})();
