// Passerelle — the site menu on browsers that cannot style ::details-content
// (progressive enhancement: everywhere.css does it without JavaScript
// elsewhere): above 40em the menu is opened, so that it is always shown.
(function () {
  "use strict";
  var menu = document.querySelector(".nav-menu");
  if (!menu || !window.CSS || CSS.supports("selector(::details-content)")) {
    return;
  }
  var wide = window.matchMedia("(min-width: 40.0625em)");
  function update() {
    if (wide.matches) {
      menu.open = true;
    }
  }
  update();
  wide.addEventListener("change", update);
})();
