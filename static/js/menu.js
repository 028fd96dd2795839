/* The top menu folds behind a "Menu" button on narrow screens (the CSS decides the width; this opens and closes it).
   Without this script the menu stays unfolded, wrapped onto as many lines as it needs. */
(function () {
  "use strict";
  var top = document.querySelector("header.top");
  var button = top && top.querySelector(".menu-button");
  if (!button) { return; }
  function show(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    top.classList.toggle("menu-open", open);
  }
  top.classList.add("menu-ready");
  button.addEventListener("click", function () { show(button.getAttribute("aria-expanded") !== "true"); });
  top.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && top.classList.contains("menu-open")) { show(false); button.focus(); }
  });
})();
