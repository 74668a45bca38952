/* The charter as of a date, in the browser, on the as-of page.
 *
 * The page holds the build's index of version intervals (generator/pages/asof.py): for each agreement,
 * rows of [version, start, end, status(, title then)], their starts never decreasing. For a day, each
 * agreement's current row is the last that started on or before it, as generator/history/intervals.py
 * standing_on reads it, so this page and the year pages agree; a removal leaves the agreement out.
 * The date is also the page's fragment (as-of/#2015-06-01): the link sets the picker and the picker
 * sets the link. Titles are untrusted: the output is built with createElement/textContent only.
 *
 * Plain ES2017, no dependencies, no build step.
 */
(function () {
  "use strict";

  var DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
  var REMOVED = "removed";

  function isDay(value) {
    if (!DAY.test(value)) return false;
    var parsed = new Date(value + "T00:00:00Z");
    return !isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function time(day) {
    var node = element("time", "", day);
    node.setAttribute("datetime", day);
    return node;
  }

  /* {agreement, row} for each agreement in the charter on `day`, in the index's order. */
  function standing(index, day) {
    var found = [];
    index.agreements.forEach(function (agreement) {
      var current = null;
      for (var i = 0; i < agreement.versions.length && agreement.versions[i][1] <= day; i++) {
        current = agreement.versions[i];
      }
      if (current && current[3] !== REMOVED) found.push({ agreement: agreement, row: current });
    });
    return found;
  }

  function grouped(index, entries) {
    var groups = index.groups.map(function (group) { return { status: group[0], heading: group[1], entries: [] }; });
    var other = { status: "other", heading: index.other, entries: [] };
    entries.forEach(function (entry) {
      var group = groups.find(function (candidate) { return candidate.status === entry.row[3]; }) || other;
      group.entries.push(entry);
    });
    return groups.concat([other]).filter(function (group) { return group.entries.length > 0; });
  }

  function item(root, entry) {
    var row = entry.row;
    var li = element("li", "charter-list__item charter-asof__item");
    var link = element("a", "", row.length > 4 ? String(row[4]) : String(entry.agreement.title));
    link.href = root + entry.agreement.url + "v/" + row[0] + "/";
    li.appendChild(link);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(element("span", "charter-asof__version", "version " + row[0]));
    li.appendChild(document.createTextNode(" "));
    var status = String(row[3]);
    li.appendChild(element("span", "charter-status charter-status--" + status, status.replace(/[-_]/g, " ")));
    li.appendChild(document.createTextNode(" "));
    var meta = element("span", "charter-list__meta", "current since ");
    meta.appendChild(time(row[1]));
    li.appendChild(meta);
    return li;
  }

  function plural(count, one, many) {
    return count + " " + (count === 1 ? one : many);
  }

  function render(output, root, index, day) {
    while (output.firstChild) output.removeChild(output.firstChild);
    var entries = standing(index, day);
    var inForce = entries.filter(function (entry) { return entry.row[3] === "in-force"; }).length;
    var summary = element("p", "charter-asof__summary", "On ");
    summary.appendChild(time(day));
    summary.appendChild(document.createTextNode(entries.length === 0 ? " no agreement was on record." :
      " the charter held " + plural(entries.length, "agreement", "agreements") + ", " + inForce + " of " +
      (entries.length === 1 ? "it" : "them") + " in force."));
    output.appendChild(summary);
    if (index.first && day < index.first) {
      output.appendChild(element("p", "charter-asof__note", "The record begins on " + index.first + "."));
    }
    if (day > index.built) {
      output.appendChild(element("p", "charter-asof__note", "This site was built on " + index.built +
        ": for a later day it shows the charter as recorded by then."));
    }
    grouped(index, entries).forEach(function (group) {
      var heading = element("h3", "", group.heading + " ");
      heading.appendChild(element("span", "charter-count", String(group.entries.length)));
      output.appendChild(heading);
      var list = element("ul", "charter-list charter-asof__list");
      group.entries.forEach(function (entry) { list.appendChild(item(root, entry)); });
      output.appendChild(list);
    });
  }

  function fragmentDay() {
    var value = decodeURIComponent(window.location.hash.replace(/^#/, ""));
    return isDay(value) ? value : null;
  }

  function setUp(container) {
    if (container.getAttribute("data-charter-asof-ready") !== null) return;
    var form = container.querySelector(".charter-asof__form");
    var output = container.querySelector(".charter-asof__output");
    var data = container.querySelector(".charter-asof__index");
    var label = form && form.querySelector(".charter-asof__label");
    var permalink = container.querySelector(".charter-asof__permalink");
    if (!form || !output || !data || !label) return;
    var index;
    try {
      index = JSON.parse(data.textContent);
    } catch (error) {
      return; // the year pages below still list the charter
    }
    var input = element("input");
    input.type = "date";
    input.id = "charter-asof-date";
    input.name = "date";
    if (index.first) input.min = index.first;
    input.value = index.built;
    label.appendChild(input);
    var root = container.getAttribute("data-root") || "";
    var show = function (day) {
      input.value = day;
      if (permalink) {
        permalink.href = "#" + day;
        permalink.textContent = "#" + day;
      }
      render(output, root, index, day);
    };
    container.setAttribute("data-charter-asof-ready", "");
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    input.addEventListener("change", function () {
      if (!isDay(input.value)) return;
      window.history.replaceState(null, "", "#" + input.value);
      show(input.value);
    });
    window.addEventListener("hashchange", function () {
      var day = fragmentDay();
      if (day) show(day);
    });
    form.hidden = false;
    show(fragmentDay() || index.built);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-charter-asof]"), setUp);
  }

  // Material's instant navigation swaps pages without reloading scripts; document$ emits each one.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
