// Post images: blurhash placeholders while previews load, the lightbox (full image
// with its alt text, arrow keys between a post's images, Escape closes, focus
// returns), and the composer's previews of chosen images with their alt text
// fields. Without JavaScript each image links to its full file and the composer
// shows four alt text fields.
(function () {
  "use strict";
  var words = document.getElementById("media-messages");
  function word(name) { return words ? words.dataset[name] : name; }

  // Blurhash (https://blurha.sh), decoded into a 32 x 32 canvas behind the image.
  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
  function decode83(text) {
    var value = 0;
    for (var i = 0; i < text.length; i++) value = value * 83 + DIGITS.indexOf(text[i]);
    return value;
  }
  function toLinear(value) {
    value /= 255;
    return value <= 0.04045 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
  }
  function toSrgb(value) {
    value = Math.max(0, Math.min(1, value));
    return value <= 0.0031308 ? Math.round(value * 12.92 * 255 + 0.5) : Math.round((1.055 * Math.pow(value, 1 / 2.4) - 0.055) * 255 + 0.5);
  }
  function signPow(value, exp) { return (value < 0 ? -1 : 1) * Math.pow(Math.abs(value), exp); }
  function blurhashUrl(hash) {
    if (!hash || hash.length < 6) return null;
    var size = decode83(hash[0]), ny = Math.floor(size / 9) + 1, nx = (size % 9) + 1;
    if (hash.length !== 4 + 2 * nx * ny) return null;
    var max = (decode83(hash[1]) + 1) / 166, colours = [];
    for (var c = 0; c < nx * ny; c++) {
      if (c === 0) {
        var dc = decode83(hash.substring(2, 6));
        colours.push([toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]);
      } else {
        var ac = decode83(hash.substring(4 + c * 2, 6 + c * 2));
        colours.push([Math.floor(ac / 361), Math.floor(ac / 19) % 19, ac % 19].map(function (q) { return signPow((q - 9) / 9, 2) * max; }));
      }
    }
    var w = 32, h = 32, canvas = document.createElement("canvas");
    canvas.width = w; canvas.height = h;
    var context = canvas.getContext("2d"), pixels = context.createImageData(w, h);
    for (var y = 0; y < h; y++) {
      for (var x = 0; x < w; x++) {
        var r = 0, g = 0, b = 0;
        for (var j = 0; j < ny; j++) {
          for (var i = 0; i < nx; i++) {
            var basis = Math.cos(Math.PI * x * i / w) * Math.cos(Math.PI * y * j / h), colour = colours[i + j * nx];
            r += colour[0] * basis; g += colour[1] * basis; b += colour[2] * basis;
          }
        }
        var at = 4 * (x + y * w);
        pixels.data[at] = toSrgb(r); pixels.data[at + 1] = toSrgb(g); pixels.data[at + 2] = toSrgb(b); pixels.data[at + 3] = 255;
      }
    }
    context.putImageData(pixels, 0, 0);
    return canvas.toDataURL();
  }
  function paintPlaceholders(root) {
    root.querySelectorAll(".media-item[data-blurhash]:not([data-painted])").forEach(function (item) {
      item.dataset.painted = "1";
      var image = item.querySelector("img");
      if (image && image.complete && image.naturalWidth) return;
      var url = blurhashUrl(item.dataset.blurhash);
      if (url) item.style.backgroundImage = "url(" + url + ")";
    });
  }

  // The lightbox: one <dialog> for the page.
  var dialog, picture, caption, items = [], index = 0, opener = null;
  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", word("viewer"));
    var figure = document.createElement("figure");
    figure.className = "lightbox-figure";
    picture = document.createElement("img");
    caption = document.createElement("figcaption");
    figure.append(picture, caption);
    function button(name, label, symbol, action) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = "lightbox-button lightbox-" + name;
      element.setAttribute("aria-label", label);
      element.textContent = symbol;
      element.addEventListener("click", action);
      return element;
    }
    dialog.append(
      figure,
      button("close", word("close"), "\u00d7", function () { dialog.close(); }),
      button("prev", word("previous"), "\u2039", function () { show(index - 1); }),
      button("next", word("next"), "\u203a", function () { show(index + 1); })
    );
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { show(index - 1); event.preventDefault(); }
      if (event.key === "ArrowRight") { show(index + 1); event.preventDefault(); }
    });
    dialog.addEventListener("click", function (event) { if (event.target === dialog || event.target.tagName === "FIGURE") dialog.close(); });
    dialog.addEventListener("close", function () { if (opener) opener.focus(); });
    document.body.append(dialog);
  }
  function show(at) {
    index = (at + items.length) % items.length;
    var item = items[index], preview = item.querySelector("img");
    picture.src = item.href;
    picture.width = Number(item.dataset.fullWidth) || 0;
    picture.height = Number(item.dataset.fullHeight) || 0;
    picture.alt = preview ? preview.alt : "";
    caption.textContent = picture.alt;
    caption.hidden = !picture.alt;
    dialog.querySelector(".lightbox-prev").hidden = dialog.querySelector(".lightbox-next").hidden = items.length < 2;
    dialog.setAttribute("aria-description", word("position").replace("%(index)s", index + 1).replace("%(count)s", items.length));
  }
  document.addEventListener("click", function (event) {
    var item = event.target.closest("[data-lightbox-item]");
    if (!item || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    if (!dialog) build();
    opener = item;
    items = Array.prototype.slice.call(item.closest("[data-lightbox-group]").querySelectorAll("[data-lightbox-item]"));
    show(items.indexOf(item));
    dialog.showModal();
  });

  // The composer: previews and only as many alt text fields as images chosen.
  function composer(form) {
    var input = form.querySelector('input[type="file"][name="images"]');
    if (!input) return;
    var previews = form.querySelector(".composer-previews"), nudge = form.querySelector(".composer-alt-nudge");
    var alts = Array.prototype.slice.call(form.querySelectorAll("[data-media-alt]"));
    function wrapper(field) { return field.closest(".mb-3") || field.parentElement; }
    function refresh() {
      var count = input.files ? input.files.length : 0;
      previews.replaceChildren();
      for (var i = 0; i < count && i < 4; i++) {
        var image = document.createElement("img");
        image.src = URL.createObjectURL(input.files[i]);
        image.alt = "";
        previews.append(image);
      }
      alts.forEach(function (field, position) {
        // A field the server marked wrong stays visible.
        wrapper(field).hidden = position >= count && !field.classList.contains("is-invalid");
      });
      var missing = alts.some(function (field, position) { return position < count && !field.value.trim(); });
      if (nudge) nudge.hidden = !missing;
    }
    input.addEventListener("change", refresh);
    alts.forEach(function (field) { field.addEventListener("input", refresh); });
    refresh();
  }

  document.querySelectorAll("form.composer").forEach(composer);
  // The composer htmx puts back after each post is a new form.
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail.elt;
    if (root.matches && root.matches("form.composer")) composer(root);
  });
  paintPlaceholders(document);
  // Posts added later (the stream's new posts, "load more") get their placeholders too.
  new MutationObserver(function () { paintPlaceholders(document); }).observe(document.body, { childList: true, subtree: true });
})();
