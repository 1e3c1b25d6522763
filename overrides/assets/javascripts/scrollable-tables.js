// A table wider than the page scrolls sideways inside Material's wrapper. Keyboard users
// can only scroll a region that can take focus (WCAG 2.1.1; axe: scrollable-region-focusable),
// so each wrapper that overflows gets a tab stop, and loses it again when it fits.
function markScrollableTables() {
  for (const wrapper of document.querySelectorAll(".md-typeset__scrollwrap")) {
    if (wrapper.scrollWidth > wrapper.clientWidth) {
      wrapper.setAttribute("tabindex", "0");
    } else {
      wrapper.removeAttribute("tabindex");
    }
  }
}
document.addEventListener("DOMContentLoaded", markScrollableTables);
window.addEventListener("resize", markScrollableTables);
