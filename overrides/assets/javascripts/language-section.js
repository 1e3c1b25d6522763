// The language menu keeps the reader's section. Both languages' versions of a page have the
// same headings in the same order (tests/test_site.py checks it), but their ids are made
// from their own words, so the link to the other language carries the section's position
// instead: #__section-N-of-M, the Nth of the page's M headings. The page it opens scrolls to
// its own Nth heading when it has M of them, and puts that heading's id in the address.
//
// The section is the heading the address names, or else the last heading above the top of
// the window (a reader who scrolled there).
(function () {
  var HEADINGS = "article h2[id], article h3[id], article h4[id], article h5[id], article h6[id]";
  var SECTION = /^#__section-(\d+)-of-(\d+)$/;
  // Below Material's header, which stays at the top of the window.
  var HEADER_PX = 80;

  function headings() {
    return Array.prototype.slice.call(document.querySelectorAll(HEADINGS));
  }

  function currentSection(list) {
    var named = decodeURIComponent(location.hash.slice(1));
    for (var i = 0; i < list.length; i++) {
      if (named && list[i].id === named) return i;
    }
    var above = -1;
    for (var j = 0; j < list.length; j++) {
      if (list[j].getBoundingClientRect().top <= HEADER_PX) above = j;
    }
    return above;
  }

  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest && event.target.closest("a.md-select__link[hreflang]");
    if (!link) return;
    var list = headings();
    var index = currentSection(list);
    var url = new URL(link.href, location.href);
    url.hash = index < 0 ? "" : "__section-" + index + "-of-" + list.length;
    link.href = url.href; // the browser follows the link as it is now
  });

  function arrive() {
    var match = SECTION.exec(location.hash);
    if (!match) return;
    var list = headings();
    var target = Number(match[2]) === list.length ? list[Number(match[1])] : null;
    history.replaceState(null, "", target ? "#" + target.id : location.pathname + location.search);
    if (target) target.scrollIntoView();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", arrive);
  } else {
    arrive();
  }
})();
