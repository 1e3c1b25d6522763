// A table wider than the page scrolls sideways inside Material's wrapper. Keyboard users
// can only scroll a region that can take focus (WCAG 2.1.1; axe: scrollable-region-focusable),
// so each wrapper that overflows gets a tab stop, and loses it again when it fits.
//
// A ResizeObserver tells us when a wrapper has been laid out or changed size (also on the
// first layout and when the window turns), so the widths are read from a finished layout:
// reading them straight after DOMContentLoaded forced the browser to lay out the whole page
// early, a long task on a phone (Lighthouse: "forced reflow").
document.addEventListener("DOMContentLoaded", function () {
  var observer = new ResizeObserver(function (entries) {
    var overflowing = entries.map(function (entry) {
      return entry.target.scrollWidth > entry.target.clientWidth;
    });
    // All reads first, then all writes: no layout in between.
    entries.forEach(function (entry, i) {
      if (overflowing[i]) {
        entry.target.setAttribute("tabindex", "0");
      } else {
        entry.target.removeAttribute("tabindex");
      }
    });
  });
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrapper) {
    observer.observe(wrapper);
  });
});
