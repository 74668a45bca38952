/* Compare any two versions of an agreement, in the browser, on its history page.
 *
 * The history page holds every version's Markdown body as JSON. This script diffs the two chosen
 * versions word by word, clause by clause (a clause is a `## ` heading and its text), the way the
 * server-side diff (generator/diff.py) does for consecutive versions. Bodies are untrusted: the
 * output is built with createElement/textContent only, never from HTML strings.
 *
 * Plain ES2017, no dependencies, no build step.
 */
(function () {
  "use strict";

  // Past these sizes a word diff is too slow for a page script: compare lines instead.
  var MAX_TOKENS = 40000; // tokens on both sides of one clause, after trimming the common ends
  var MAX_EDITS = 1500; // edit distance the O(ND) search gives up at

  // Words, runs of whitespace, and single other characters, as Python's r"\w+|\s+|[^\w\s]".
  var TOKEN;
  try {
    TOKEN = new RegExp("[\\p{L}\\p{M}\\p{N}_]+|\\s+|[^\\p{L}\\p{M}\\p{N}_\\s]", "gu");
  } catch (error) {
    TOKEN = /\w+|\s+|[^\w\s]/g;
  }
  var BLANK_LINE = /\n(?:[ \t]*\n)+/;

  function tokens(text) {
    return text.match(TOKEN) || [];
  }

  function lines(text) {
    return text.match(/[^\n]*\n|[^\n]+$/g) || [];
  }

  // --- Myers' O(ND) difference ---------------------------------------------------------------

  /* Edit script [{op: "equal"|"delete"|"insert", text}] from a to b, or null past maxEdits. */
  function myers(a, b, maxEdits) {
    var n = a.length;
    var m = b.length;
    var max = n + m;
    var offset = max + 1;
    var v = new Int32Array(2 * max + 3);
    var trace = [];
    var d;
    var k;
    var x;
    var y;
    search: for (d = 0; d <= max; d++) {
      if (d > maxEdits) return null;
      for (k = -d; k <= d; k += 2) {
        if (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])) {
          x = v[offset + k + 1];
        } else {
          x = v[offset + k - 1] + 1;
        }
        y = x - k;
        while (x < n && y < m && a[x] === b[y]) {
          x++;
          y++;
        }
        v[offset + k] = x;
        if (x >= n && y >= m) {
          trace.push(v.slice(offset - d, offset + d + 1));
          break search;
        }
      }
      trace.push(v.slice(offset - d, offset + d + 1));
    }
    // Walk back through the saved frontiers; trace[d] holds diagonal k at index k + d.
    var script = [];
    x = n;
    y = m;
    for (d = trace.length - 1; d > 0; d--) {
      var previous = trace[d - 1];
      var base = d - 1;
      k = x - y;
      var down = k === -d || (k !== d && previous[k - 1 + base] < previous[k + 1 + base]);
      var previousK = down ? k + 1 : k - 1;
      var previousX = previous[previousK + base];
      var previousY = previousX - previousK;
      while (x > previousX && y > previousY) {
        script.push({ op: "equal", text: a[--x] });
        y--;
      }
      if (down) {
        script.push({ op: "insert", text: b[--y] });
      } else {
        script.push({ op: "delete", text: a[--x] });
      }
    }
    while (x > 0 && y > 0) {
      script.push({ op: "equal", text: a[--x] });
      y--;
    }
    return script.reverse();
  }

  /* Edit script over token lists: common ends trimmed, Myers in between, or null if too large. */
  function diffSequences(a, b) {
    var start = 0;
    while (start < a.length && start < b.length && a[start] === b[start]) start++;
    var endA = a.length;
    var endB = b.length;
    while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
      endA--;
      endB--;
    }
    var middleA = a.slice(start, endA);
    var middleB = b.slice(start, endB);
    var middle;
    if (middleA.length + middleB.length > MAX_TOKENS) {
      middle = null;
    } else {
      middle = myers(middleA, middleB, MAX_EDITS);
    }
    if (middle === null) return null;
    var equal = function (token) {
      return { op: "equal", text: token };
    };
    return a.slice(0, start).map(equal).concat(middle, a.slice(endA).map(equal));
  }

  // --- word diff, shaped like generator/diff.py's diff_words ---------------------------------

  function absorbable(text) {
    return text.trim() === "" && !BLANK_LINE.test(text);
  }

  /* Runs: strings for equal text, {deleted, inserted} for each change. */
  function runsOf(script) {
    var runs = [];
    script.forEach(function (step) {
      var last = runs[runs.length - 1];
      if (step.op === "equal") {
        if (typeof last === "string") runs[runs.length - 1] = last + step.text;
        else runs.push(step.text);
        return;
      }
      if (last === undefined || typeof last === "string") {
        last = { deleted: "", inserted: "" };
        runs.push(last);
      }
      if (step.op === "delete") last.deleted += step.text;
      else last.inserted += step.text;
    });
    return runs;
  }

  function replaces(change) {
    return change.deleted !== "" && change.inserted !== "";
  }

  /* Fold the space between two edits into them when either replaces words. */
  function absorbSpaces(runs) {
    var result = [];
    runs.forEach(function (run) {
      if (typeof run === "string") {
        result.push(run);
        return;
      }
      var change = run;
      var n = result.length;
      if (n >= 2 && typeof result[n - 1] === "string" && typeof result[n - 2] !== "string") {
        var space = result[n - 1];
        var previous = result[n - 2];
        if (absorbable(space) && (replaces(previous) || replaces(change))) {
          result.length = n - 2;
          change = {
            deleted: previous.deleted + space + change.deleted,
            inserted: previous.inserted + space + change.inserted,
          };
        }
      }
      result.push(change);
    });
    return result;
  }

  function segmentsOf(runs) {
    var segments = [];
    runs.forEach(function (run) {
      if (typeof run === "string") {
        if (run) segments.push({ op: "equal", text: run });
        return;
      }
      if (run.deleted) segments.push({ op: "delete", text: run.deleted });
      if (run.inserted) segments.push({ op: "insert", text: run.inserted });
    });
    return segments;
  }

  /* "Say<ins> more</ins> hi" reads better as "Say <ins>more </ins>hi": slide a lone edit's leading space. */
  function startEditsAtWords(segments) {
    var result = [];
    for (var index = 0; index < segments.length; index++) {
      var segment = segments[index];
      var following = segments[index + 1];
      var lead = segment.text.slice(0, segment.text.length - segment.text.replace(/^\s+/, "").length);
      var before = result[result.length - 1];
      if (
        segment.op !== "equal" &&
        lead &&
        lead !== segment.text &&
        (before === undefined || before.op === "equal") &&
        following !== undefined &&
        following.op === "equal" &&
        following.text.indexOf(lead) === 0
      ) {
        if (before !== undefined) result.pop();
        result.push({ op: "equal", text: (before ? before.text : "") + lead });
        result.push({ op: segment.op, text: segment.text.slice(lead.length) + lead });
        if (following.text !== lead) result.push({ op: "equal", text: following.text.slice(lead.length) });
        index++;
        continue;
      }
      result.push(segment);
    }
    return result;
  }

  /* {segments, byLine}: equal+insert texts give `after`, equal+delete texts give `before`. */
  function diffText(before, after) {
    if (before === after) return { segments: before ? [{ op: "equal", text: before }] : [], byLine: false };
    var script = diffSequences(tokens(before), tokens(after));
    var byLine = false;
    if (script === null) {
      byLine = true;
      script = diffSequences(lines(before), lines(after));
    }
    if (script === null) {
      script = [];
      if (before) script.push({ op: "delete", text: before });
      if (after) script.push({ op: "insert", text: after });
    }
    var runs = runsOf(script);
    if (!byLine) runs = absorbSpaces(runs);
    return { segments: startEditsAtWords(segmentsOf(runs)), byLine: byLine };
  }

  // --- clauses -------------------------------------------------------------------------------

  function trimBlankLines(list) {
    var start = 0;
    var end = list.length;
    while (start < end && list[start].trim() === "") start++;
    while (end > start && list[end - 1].trim() === "") end--;
    return list.slice(start, end).join("\n");
  }

  /* The preamble (title "") then each `## ` clause: {title, anchor, text}. Fenced code is text. */
  function splitClauses(body) {
    var all = String(body || "").replace(/\r\n?/g, "\n").split("\n");
    var clauses = [{ title: "", anchor: "", lines: [] }];
    var fence = null;
    all.forEach(function (line) {
      var opening = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence === null && opening) fence = opening[1];
      else if (fence !== null && opening && opening[1].charAt(0) === fence.charAt(0) &&
               opening[1].length >= fence.length && line.trim() === opening[1]) fence = null;
      else if (fence === null && /^##(?:[ \t]|$)/.test(line)) {
        var heading = line.slice(2).replace(/[ \t]+#+[ \t]*$/, "").trim();
        var attributes = /\s*\{([^}]*)\}\s*$/.exec(heading);
        var anchor = "";
        if (attributes) {
          var id = /(?:^|\s)#([^\s}]+)/.exec(attributes[1]);
          anchor = id ? id[1] : "";
          heading = heading.slice(0, attributes.index);
        }
        clauses.push({ title: heading.replace(/\s+/g, " ").trim(), anchor: anchor, lines: [] });
        return;
      }
      clauses[clauses.length - 1].lines.push(line);
    });
    return clauses.map(function (clause) {
      return { title: clause.title, anchor: clause.anchor, text: trimBlankLines(clause.lines) };
    });
  }

  /* new index -> old index: by heading text first, then by explicit {#anchor}; repeats pair in order. */
  function pairClauses(old, next) {
    var pairs = new Map();
    var taken = new Set();
    [function (c) { return "t:" + c.title; }, function (c) { return c.anchor ? "a:" + c.anchor : null; }]
      .forEach(function (keyOf) {
        var free = new Map();
        old.forEach(function (clause, i) {
          var key = keyOf(clause);
          if (taken.has(i) || key === null) return;
          if (!free.has(key)) free.set(key, []);
          free.get(key).push(i);
        });
        next.forEach(function (clause, j) {
          var key = keyOf(clause);
          if (pairs.has(j) || key === null || !free.has(key) || free.get(key).length === 0) return;
          var i = free.get(key).shift();
          pairs.set(j, i);
          taken.add(i);
        });
      });
    return pairs;
  }

  function change(kind, old, next) {
    var diff = diffText(old ? old.text : "", next ? next.text : "");
    return {
      kind: kind,
      title: next ? next.title : old.title,
      oldTitle: old ? old.title : "",
      preamble: (next || old).isPreamble === true,
      segments: diff.segments,
      byLine: diff.byLine,
    };
  }

  function compareClauses(old, next) {
    if (old.title !== next.title) return change("renamed", old, next);
    return change(old.text === next.text ? "unchanged" : "changed", old, next);
  }

  /* Changes in the new version's order; a removed clause follows the old clause before it. */
  function diffBodies(oldBody, newBody) {
    var old = splitClauses(oldBody);
    var next = splitClauses(newBody);
    old[0].isPreamble = true;
    next[0].isPreamble = true;
    var changes = [];
    if (old[0].text || next[0].text) {
      if (!old[0].text) changes.push(change("added", null, next[0]));
      else if (!next[0].text) changes.push(change("removed", old[0], null));
      else changes.push(compareClauses(old[0], next[0]));
    }
    var oldClauses = old.slice(1);
    var newClauses = next.slice(1);
    var pairs = pairClauses(oldClauses, newClauses);
    var newIndexOfOld = new Map();
    pairs.forEach(function (i, j) {
      newIndexOfOld.set(i, j);
    });
    var after = new Map();
    var lastKept = -1;
    oldClauses.forEach(function (clause, i) {
      if (newIndexOfOld.has(i)) {
        lastKept = newIndexOfOld.get(i);
      } else {
        if (!after.has(lastKept)) after.set(lastKept, []);
        after.get(lastKept).push(i);
      }
    });
    var pushRemoved = function (j) {
      (after.get(j) || []).forEach(function (i) {
        changes.push(change("removed", oldClauses[i], null));
      });
    };
    pushRemoved(-1);
    newClauses.forEach(function (clause, j) {
      changes.push(pairs.has(j) ? compareClauses(oldClauses[pairs.get(j)], clause) : change("added", null, clause));
      pushRemoved(j);
    });
    return changes;
  }

  function summary(changes) {
    var parts = [];
    var kinds = ["changed", "added", "removed", "renamed"];
    kinds.slice(0, 3).forEach(function (kind) {
      if (changes.some(function (c) { return c.preamble && c.kind === kind; })) parts.push("preamble " + kind);
    });
    var nounUsed = false;
    kinds.forEach(function (kind) {
      var count = changes.filter(function (c) { return !c.preamble && c.kind === kind; }).length;
      if (!count) return;
      parts.push(count + (nounUsed ? "" : count === 1 ? " clause" : " clauses") + " " + kind);
      nounUsed = true;
    });
    return parts.join(", ");
  }

  // --- DOM -----------------------------------------------------------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* Text with its newlines as <br>, appended to parent. */
  function appendText(parent, text) {
    text.split("\n").forEach(function (piece, index) {
      if (index) parent.appendChild(document.createElement("br"));
      if (piece) parent.appendChild(document.createTextNode(piece));
    });
  }

  /* Segments as <p> elements: a blank line in any segment ends the paragraph it is in. */
  function paragraphs(segments) {
    var result = [element("p")];
    segments.forEach(function (segment) {
      segment.text.split(BLANK_LINE).forEach(function (piece, number) {
        if (number) result.push(element("p"));
        if (!piece) return;
        var target = result[result.length - 1];
        if (segment.op !== "equal") {
          var wrapper = element(segment.op === "insert" ? "ins" : "del");
          target.appendChild(wrapper);
          target = wrapper;
        }
        appendText(target, piece);
      });
    });
    return result.filter(function (p) {
      return p.firstChild !== null;
    });
  }

  function section(item) {
    var node = element("section", "charter-diff__clause charter-diff__clause--" + item.kind);
    if (item.preamble) node.classList.add("charter-diff__clause--preamble");
    var heading = element("h3");
    var title = item.title || (item.preamble ? "Preamble" : "");
    if (item.kind === "renamed" && item.oldTitle !== item.title) {
      heading.appendChild(element("del", "", item.oldTitle));
      heading.appendChild(document.createTextNode(" "));
      heading.appendChild(element("ins", "", title));
    } else {
      heading.textContent = title;
    }
    node.appendChild(heading);
    var changed = item.segments.some(function (s) { return s.op !== "equal"; });
    if (changed) {
      if (item.byLine) node.appendChild(element("p", "charter-diff__note", "Compared line by line: this clause is long."));
      paragraphs(item.segments).forEach(function (p) { node.appendChild(p); });
    } else if (item.kind === "renamed") {
      node.appendChild(element("p", "charter-diff__note", "Text unchanged."));
    }
    return node;
  }

  function folded(titles) {
    var noun = titles.length === 1 ? "unchanged clause" : "unchanged clauses";
    return element("p", "charter-diff__folded", titles.length + " " + noun + ": " + titles.join(", "));
  }

  function render(output, from, to) {
    while (output.firstChild) output.removeChild(output.firstChild);
    if (!from || !to) {
      output.appendChild(element("p", "charter-compare__none", "Choose two versions to compare."));
      return;
    }
    if (from.number === to.number) {
      output.appendChild(element("p", "charter-compare__none",
        "No changes: both sides are " + from.label + "."));
      return;
    }
    var changes = diffBodies(from.text, to.text);
    var shown = changes.filter(function (c) { return c.kind !== "unchanged"; });
    if (shown.length === 0) {
      output.appendChild(element("p", "charter-compare__none",
        "No changes to the text between " + from.label + " and " + to.label + "."));
      return;
    }
    output.appendChild(element("p", "charter-compare__summary",
      "From " + from.label + " to " + to.label + ": " + summary(changes) + "."));
    var unchanged = [];
    changes.forEach(function (item) {
      if (item.kind === "unchanged") {
        if (!item.preamble) unchanged.push(item.title);
        return;
      }
      if (unchanged.length) output.appendChild(folded(unchanged));
      unchanged = [];
      output.appendChild(section(item));
    });
    if (unchanged.length) output.appendChild(folded(unchanged));
  }

  function setUp(root) {
    if (root.getAttribute("data-charter-compare-ready") !== null) return;
    var form = root.querySelector(".charter-compare__form");
    var output = root.querySelector(".charter-compare__output");
    var data = root.querySelector(".charter-compare__versions");
    if (!form || !output || !data) return;
    var versions;
    try {
      versions = JSON.parse(data.textContent);
    } catch (error) {
      return; // the consecutive diffs above the form still tell the story
    }
    if (!Array.isArray(versions) || versions.length === 0) return;
    var byNumber = new Map();
    versions.forEach(function (version) {
      if (version && typeof version.text === "string") {
        byNumber.set(String(version.number), {
          number: version.number,
          label: String(version.label || "Version " + version.number),
          text: version.text,
        });
      }
    });
    var from = form.elements.namedItem("from");
    var to = form.elements.namedItem("to");
    if (!from || !to) return;
    var update = function () {
      try {
        render(output, byNumber.get(from.value), byNumber.get(to.value));
      } catch (error) {
        while (output.firstChild) output.removeChild(output.firstChild);
        output.appendChild(element("p", "charter-compare__none", "These versions could not be compared."));
      }
    };
    root.setAttribute("data-charter-compare-ready", "");
    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    form.hidden = false;
    update();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-charter-compare]"), setUp);
  }

  // Material's instant navigation swaps pages without reloading scripts; document$ emits each one.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }

  // For tests and the curious: the pure parts, no DOM needed.
  window.charterCompare = { diffText: diffText, diffBodies: diffBodies, splitClauses: splitClauses };
})();
