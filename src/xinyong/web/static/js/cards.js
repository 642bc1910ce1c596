// On a narrow screen every table row is shown as a card (site.css): give each cell its column's name from
// the table's header, so a card reads "处罚决定书文号  台市监罚〔2026〕7号" rather than bare values.
(function () {
  function label(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var heads = [];
      table.querySelectorAll("thead tr:last-child th").forEach(function (th) {
        for (var n = 0; n < (th.colSpan || 1); n++) heads.push(th.textContent.trim());
      });
      if (!heads.length) return;
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.children, function (cell) {
          if (!cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1 && heads[col]) {
            cell.setAttribute("data-label", heads[col]);
          }
          col += cell.colSpan || 1;
        });
      });
    });
  }
  label(document);
  document.addEventListener("htmx:afterSettle", function (e) { label(e.target.parentNode || document); });
})();
