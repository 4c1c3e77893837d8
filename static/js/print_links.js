// Print (static/css/print.css): each link in the page's content is followed on paper by the
// address it leads to. The stylesheet prints data-print-url; this writes it as an absolute
// address (a relative "/styrdokument/..." means nothing on paper). A link whose text already is
// its address, an anchor within the page and a script link get an empty value: nothing printed.
(function () {
  "use strict";

  function mark() {
    var main = document.getElementById("huvudinnehall") || document.body;
    var links = main.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i += 1) {
      var link = links[i];
      var href = link.getAttribute("href") || "";
      var url = link.href;
      var text = (link.textContent || "").trim();
      if (href.charAt(0) === "#" || href.indexOf("javascript:") === 0) {
        url = "";
      } else if (href.indexOf("mailto:") === 0 || href.indexOf("tel:") === 0) {
        url = href.replace(/^(mailto|tel):/, "");
      }
      if (url && (text === url || text.indexOf(url) !== -1)) {
        url = "";
      }
      link.setAttribute("data-print-url", url);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("beforeprint", mark);
})();
