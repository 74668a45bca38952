/* Small fixes that need the page as the reader has it: the address a printed page names, and a name
   for the theme's search dialog, which it leaves unnamed (axe-core: aria-dialog-name). */
(function () {
  "use strict";
  document.querySelectorAll("[data-charter-address]").forEach(function (address) {
    address.textContent = location.href.split("#")[0];
  });
  document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (dialog) {
    dialog.setAttribute("aria-label", "Search");
  });
})();

/* On a narrow screen a wide table shows each row as a block (charter.css): each cell is labelled with
   its column's name, as the table's head would have said it. */
(function () {
  "use strict";
  document.querySelectorAll(".md-typeset table.charter-table").forEach(function (table) {
    var names = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (cell.tagName === "TD" && names[index]) cell.setAttribute("data-label", names[index]);
      });
    });
  });
})();
