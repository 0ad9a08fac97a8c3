// Code from a source's text: selecting words in the numbered paragraphs shows links that
// open the record form with the selection as the excerpt (the server finds its paragraph).
(function () {
  "use strict";
  var text = document.getElementById("source-text");
  var bar = document.getElementById("selection-bar");
  if (!text || !bar) { return; }
  function update() {
    var selection = window.getSelection();
    var words = selection ? selection.toString().trim() : "";
    var inside = words && selection.rangeCount && text.contains(selection.getRangeAt(0).commonAncestorContainer);
    bar.hidden = !inside;
    if (!inside) { return; }
    bar.querySelectorAll("a.code-selection").forEach(function (link) {
      link.href = link.dataset.base + "&excerpt=" + encodeURIComponent(words.slice(0, 4000));
    });
  }
  document.addEventListener("selectionchange", update);
})();
