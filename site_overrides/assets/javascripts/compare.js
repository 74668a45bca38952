/* Compare any two versions of an agreement, in the browser, on its history page.
 *
 * The server reads every version (generator/diffs/reading.py) and the page holds its reading as
 * JSON: each distinct clause's tokens once, each version's clauses by index. This script pairs the
 * clauses of the two chosen versions and diffs each pair with a port of the server's own code
 * (generator/diffs/match.py, clauses.py and render.py), so it shows what the server shows for the
 * same pair; tests/test_compare_equality.py holds the two to that. It never reads Markdown. Bodies
 * are untrusted: the output is built with createElement/textContent only, never from HTML strings.
 *
 * Plain ES2017, no dependencies, no build step.
 */
(function () {
  "use strict";

  var MARKED = "\ue000";
  var BLOCK = "\ue001";
  var MARK_ORDER = "aisedc";
  var MARK_TAGS = { a: ["span", "charter-diff__link"], i: ["span", "charter-diff__image"], s: ["strong", ""],
    e: ["em", ""], d: ["s", ""], c: ["code", ""] };
  var CONTAINER_TAGS = { q: "blockquote", ul: "ul", ol: "ol", li: "li", table: "table", tr: "tr" };
  var LEAF_TAGS = { p: "p", th: "th", td: "td", pre: "pre", html: "pre", hr: "hr",
    h1: "h4", h3: "h4", h4: "h5", h5: "h6", h6: "h6" };
  var CELLS = { th: true, td: true };
  var PAIRING_LIMIT = 400; // match.PAIRING_LIMIT and match.SIMILAR; the budget comes with the JSON
  var SIMILAR = 0.5;
  var STATES = { equal: "", insert: "inserted", "delete": "deleted" };
  var SPACE = /^[ \t\n]+$/;
  var BLANK_LINE = /\n[ \t]*\n/;

  function lookup(table, key, fallback) {
    return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : fallback;
  }

  /* [marks, text] of a word token, as reading.parts. */
  function parts(token) {
    if (token.length > 1 && token.charAt(0) === MARKED) {
      var end = token.indexOf(MARKED, 1);
      return [token.slice(1, end), token.slice(end + 1)];
    }
    return ["", token];
  }

  function isBlock(token) {
    return token.length > 1 && token.charAt(0) === BLOCK;
  }

  function sameTokens(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  // --- match.py: difflib's SequenceMatcher (no junk), stopped past a budget --------------------

  function OverBudget() {}

  function matcherOpcodes(a, b, budget) {
    var b2j = new Map();
    b.forEach(function (token, j) {
      if (!b2j.has(token)) b2j.set(token, []);
      b2j.get(token).push(j);
    });
    var work = 0;
    var nothing = [];
    // Without junk, difflib's extension of the best match past its ends never applies.
    function longest(alo, ahi, blo, bhi) {
      for (var w = alo; w < ahi; w++) work += (b2j.get(a[w]) || nothing).length;
      if (work > budget) throw new OverBudget();
      var besti = alo;
      var bestj = blo;
      var bestsize = 0;
      var j2len = new Map();
      for (var i = alo; i < ahi; i++) {
        var newj2len = new Map();
        var indices = b2j.get(a[i]) || nothing;
        for (var n = 0; n < indices.length; n++) {
          var j = indices[n];
          if (j < blo) continue;
          if (j >= bhi) break;
          var k = (j2len.get(j - 1) || 0) + 1;
          newj2len.set(j, k);
          if (k > bestsize) {
            besti = i - k + 1;
            bestj = j - k + 1;
            bestsize = k;
          }
        }
        j2len = newj2len;
      }
      return [besti, bestj, bestsize];
    }
    var queue = [[0, a.length, 0, b.length]];
    var found = [];
    while (queue.length) {
      var box = queue.pop();
      var match = longest(box[0], box[1], box[2], box[3]);
      var mi = match[0];
      var mj = match[1];
      var mk = match[2];
      if (mk) {
        found.push(match);
        if (box[0] < mi && box[2] < mj) queue.push([box[0], mi, box[2], mj]);
        if (mi + mk < box[1] && mj + mk < box[3]) queue.push([mi + mk, box[1], mj + mk, box[3]]);
      }
    }
    found.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]; });
    var blocks = [];
    var i1 = 0;
    var j1 = 0;
    var k1 = 0;
    found.forEach(function (block) {
      if (i1 + k1 === block[0] && j1 + k1 === block[1]) {
        k1 += block[2];
      } else {
        if (k1) blocks.push([i1, j1, k1]);
        i1 = block[0];
        j1 = block[1];
        k1 = block[2];
      }
    });
    if (k1) blocks.push([i1, j1, k1]);
    blocks.push([a.length, b.length, 0]);
    var codes = [];
    var ai = 0;
    var bj = 0;
    blocks.forEach(function (block) {
      var tag = ai < block[0] && bj < block[1] ? "replace"
        : ai < block[0] ? "delete" : bj < block[1] ? "insert" : "";
      if (tag) codes.push([tag, ai, block[0], bj, block[1]]);
      ai = block[0] + block[2];
      bj = block[1] + block[2];
      if (block[2]) codes.push(["equal", block[0], ai, block[1], bj]);
    });
    return codes;
  }

  function boundedOpcodes(a, b, budget) {
    try {
      return matcherOpcodes(a, b, budget);
    } catch (error) {
      if (!(error instanceof OverBudget)) throw error;
    }
    var start = 0;
    while (start < Math.min(a.length, b.length) && a[start] === b[start]) start++;
    var end = 0;
    var shorter = Math.min(a.length, b.length);
    while (end < shorter - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
    var aEnd = a.length - end;
    var bEnd = b.length - end;
    var middle;
    try {
      middle = matcherOpcodes(a.slice(start, aEnd), b.slice(start, bEnd), budget).map(function (code) {
        return [code[0], code[1] + start, code[2] + start, code[3] + start, code[4] + start];
      });
    } catch (error) {
      if (!(error instanceof OverBudget)) throw error;
      middle = [["replace", start, aEnd, start, bEnd]];
    }
    var codes = start ? [["equal", 0, start, 0, start]] : [];
    middle.forEach(function (code) {
      if (code[1] < code[2] || code[3] < code[4]) codes.push(code);
    });
    if (end) codes.push(["equal", aEnd, a.length, bEnd, b.length]);
    return codes;
  }

  // --- match.py: the token diff, blocks first, then words -----------------------------------

  function isSpace(token) {
    return !isBlock(token) && SPACE.test(parts(token)[1]);
  }

  function absorbable(tokens) {
    return tokens.every(function (token) { return isSpace(token) && !BLANK_LINE.test(parts(token)[1]); });
  }

  function cutBlocks(tokens) {
    var blocks = [];
    tokens.forEach(function (token) {
      if (isBlock(token) || blocks.length === 0) blocks.push([]);
      blocks[blocks.length - 1].push(token);
    });
    return blocks;
  }

  function flat(blocks) {
    var tokens = [];
    blocks.forEach(function (block) {
      block.forEach(function (token) { tokens.push(token); });
    });
    return tokens;
  }

  function diffTokens(old, next, budget) {
    var a = cutBlocks(old);
    var b = cutBlocks(next);
    var key = function (block) { return block.join("\u0000"); };
    var segments = [];
    boundedOpcodes(a.map(key), b.map(key), budget).forEach(function (code) {
      var found = code[0] === "equal" ? [{ op: "equal", tokens: flat(a.slice(code[1], code[2])) }]
        : replaceBlocks(a.slice(code[1], code[2]), b.slice(code[3], code[4]), budget);
      found.forEach(function (segment) {
        var last = segments[segments.length - 1];
        if (last && last.op === segment.op) last.tokens = last.tokens.concat(segment.tokens);
        else segments.push({ op: segment.op, tokens: segment.tokens });
      });
    });
    return segments;
  }

  function similarity(a, b, budget) {
    var matched = 0;
    boundedOpcodes(a, b, budget).forEach(function (code) {
      if (code[0] === "equal") matched += code[2] - code[1];
    });
    return 2.0 * matched / (a.length + b.length);
  }

  function words(blocks) {
    return flat(blocks).filter(function (token) { return !isBlock(token) && !isSpace(token); });
  }

  /* The most alike pair of blocks (the first of equals) is diffed word by word, then those around it. */
  function replaceBlocks(a, b, budget) {
    var ratios = new Map();
    if (a.length * b.length <= PAIRING_LIMIT && !(a.length === 1 && b.length === 1) &&
        !sameTokens(words(a), words(b))) {
      var share = Math.floor(budget / PAIRING_LIMIT);
      b.forEach(function (next, j) {
        a.forEach(function (old, i) { ratios.set(i + " " + j, similarity(old, next, share)); });
      });
    }
    function paired(ilo, ihi, jlo, jhi) {
      if (ilo === ihi || jlo === jhi) {
        var deleted = flat(a.slice(ilo, ihi));
        var inserted = flat(b.slice(jlo, jhi));
        if (deleted.length) return [{ op: "delete", tokens: deleted }];
        return inserted.length ? [{ op: "insert", tokens: inserted }] : [];
      }
      var pair = null;
      var best = SIMILAR;
      for (var j = jlo; j < jhi; j++) {
        for (var i = ilo; i < ihi; i++) {
          var ratio = ratios.has(i + " " + j) ? ratios.get(i + " " + j) : 0.0;
          if (ratio > best || (pair === null && ratio === best)) {
            best = ratio;
            pair = [i, j];
          }
        }
      }
      if (pair === null) return diffWords(flat(a.slice(ilo, ihi)), flat(b.slice(jlo, jhi)), budget);
      return paired(ilo, pair[0], jlo, pair[1])
        .concat(diffWords(a[pair[0]], b[pair[1]], budget), paired(pair[0] + 1, ihi, pair[1] + 1, jhi));
    }
    return paired(0, a.length, 0, b.length);
  }

  function diffWords(a, b, budget) {
    var runs = []; // an array: equal tokens; an object: {deleted, inserted}
    boundedOpcodes(a, b, budget).forEach(function (code) {
      if (code[0] === "equal") {
        runs.push(a.slice(code[1], code[2]));
        return;
      }
      var deleted = a.slice(code[1], code[2]);
      var inserted = b.slice(code[3], code[4]);
      var n = runs.length;
      if (n >= 2 && !Array.isArray(runs[n - 2]) && Array.isArray(runs[n - 1])) {
        var space = runs[n - 1];
        var before = runs[n - 2];
        var replaces = (deleted.length && inserted.length) ||
          (before.deleted.length && before.inserted.length);
        if (absorbable(space) && replaces) {
          runs.length = n - 2;
          deleted = before.deleted.concat(space, deleted);
          inserted = before.inserted.concat(space, inserted);
        }
      }
      runs.push({ deleted: deleted, inserted: inserted });
    });
    var segments = [];
    runs.forEach(function (run) {
      if (Array.isArray(run)) {
        segments.push({ op: "equal", tokens: run });
        return;
      }
      if (run.deleted.length) segments.push({ op: "delete", tokens: run.deleted });
      if (run.inserted.length) segments.push({ op: "insert", tokens: run.inserted });
    });
    return startEditsAtWords(segments);
  }

  /* "Say<ins> more</ins> hi" reads better as "Say <ins>more </ins>hi": slide a lone edit's leading space. */
  function startEditsAtWords(segments) {
    var result = [];
    for (var index = 0; index < segments.length; index++) {
      var segment = segments[index];
      var following = segments[index + 1];
      var lead = segment.tokens[0];
      var previous = result[result.length - 1];
      if (segment.op !== "equal" && isSpace(lead) && !segment.tokens.every(isSpace) &&
          (previous === undefined || previous.op === "equal") &&
          following !== undefined && following.op === "equal" && following.tokens[0] === lead) {
        var before = previous !== undefined ? result.pop().tokens : [];
        result.push({ op: "equal", tokens: before.concat([lead]) });
        result.push({ op: segment.op, tokens: segment.tokens.slice(1).concat([lead]) });
        if (following.tokens.length > 1) result.push({ op: "equal", tokens: following.tokens.slice(1) });
        index++;
        continue;
      }
      result.push(segment);
    }
    return result;
  }

  // --- clauses.py: pairing and comparing clauses --------------------------------------------

  function occurrences(keys) {
    var seen = new Map();
    return keys.map(function (key) {
      var n = seen.get(key) || 0;
      seen.set(key, n + 1);
      return key + "\u0000" + n;
    });
  }

  /* new index -> old index: by anchor first, then by identical title for re-anchored clauses. */
  function pairClauses(old, next) {
    var pairs = new Map();
    [function (c) { return c.anchor; }, function (c) { return c.title; }].forEach(function (keyOf) {
      var taken = new Set(pairs.values());
      var freeOld = old.map(function (c, i) { return i; }).filter(function (i) { return !taken.has(i); });
      var freeNew = next.map(function (c, j) { return j; }).filter(function (j) { return !pairs.has(j); });
      var byKey = new Map();
      occurrences(freeOld.map(function (i) { return keyOf(old[i]); })).forEach(function (key, n) {
        byKey.set(key, freeOld[n]);
      });
      occurrences(freeNew.map(function (j) { return keyOf(next[j]); })).forEach(function (key, n) {
        if (byKey.has(key)) pairs.set(freeNew[n], byKey.get(key));
      });
    });
    return pairs;
  }

  function change(kind, old, next, segments) {
    var clause = next || old;
    return { kind: kind, anchor: clause.anchor, title: clause.title, oldTitle: old ? old.title : "",
      oldAnchor: old ? old.anchor : "", segments: segments };
  }

  function compare(old, next, budget) {
    var segments = diffTokens(old.tokens, next.tokens, budget);
    var kind = old.title !== next.title || old.anchor !== next.anchor ? "renamed"
      : sameTokens(old.tokens, next.tokens) ? "unchanged" : "changed";
    return change(kind, old, next, segments);
  }

  function added(clause) {
    var segments = clause.tokens.length ? [{ op: "insert", tokens: clause.tokens }] : [];
    return change("added", null, clause, segments);
  }

  function removed(clause) {
    var segments = clause.tokens.length ? [{ op: "delete", tokens: clause.tokens }] : [];
    return change("removed", clause, null, segments);
  }

  /* Changes in the new version's order; a removed clause follows the old clause before it. */
  function diffClauses(old, next, budget) {
    var changes = [];
    if (old[0].tokens.length || next[0].tokens.length) {
      if (!old[0].tokens.length) changes.push(added(next[0]));
      else if (!next[0].tokens.length) changes.push(removed(old[0]));
      else changes.push(compare(old[0], next[0], budget));
    }
    var oldClauses = old.slice(1);
    var newClauses = next.slice(1);
    var pairs = pairClauses(oldClauses, newClauses);
    var newIndexOfOld = new Map();
    pairs.forEach(function (i, j) { newIndexOfOld.set(i, j); });
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
      (after.get(j) || []).forEach(function (i) { changes.push(removed(oldClauses[i])); });
    };
    pushRemoved(-1);
    newClauses.forEach(function (clause, j) {
      changes.push(pairs.has(j) ? compare(oldClauses[pairs.get(j)], clause, budget) : added(clause));
      pushRemoved(j);
    });
    return changes;
  }

  function isPreamble(item) {
    return item.anchor === "" && item.oldAnchor === "";
  }

  function summary(changes) {
    var parts = [];
    var kinds = ["changed", "added", "removed", "renamed"];
    var count = function (kind, preamble) {
      return changes.filter(function (c) { return c.kind === kind && isPreamble(c) === preamble; }).length;
    };
    kinds.slice(0, 3).forEach(function (kind) {
      if (count(kind, true)) parts.push("preamble " + kind);
    });
    var nounUsed = false;
    kinds.forEach(function (kind) {
      var number = count(kind, false);
      if (!number) return;
      parts.push(number + (nounUsed ? "" : number === 1 ? " clause" : " clauses") + " " + kind);
      nounUsed = true;
    });
    return parts.join(", ");
  }

  // --- render.py: blocks in their containers, then sections ----------------------------------

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* "ol:3+ li+ p" -> {containers: [{name: "ol", start: "3", fresh: true}, ...], leaf: "p"} */
  function path(marker) {
    var names = marker.slice(BLOCK.length).split(" ");
    var leaf = names.pop();
    return {
      leaf: leaf,
      containers: names.map(function (part) {
        var fresh = part.charAt(part.length - 1) === "+";
        var bare = fresh ? part.slice(0, -1) : part;
        var colon = bare.indexOf(":");
        return { name: colon < 0 ? bare : bare.slice(0, colon), start: colon < 0 ? "" : bare.slice(colon + 1),
          fresh: fresh };
      }),
    };
  }

  function appendText(parent, text, literal) {
    if (literal) {
      parent.appendChild(document.createTextNode(text));
      return;
    }
    text.split("\n").forEach(function (piece, index) {
      if (index) parent.appendChild(document.createElement("br"));
      if (piece) parent.appendChild(document.createTextNode(piece));
    });
  }

  function appendWords(parent, op, tokens, literal) {
    var target = op === "equal" ? parent : parent.appendChild(element(op === "insert" ? "ins" : "del"));
    var runs = [];
    tokens.forEach(function (token) {
      var split = parts(token);
      var last = runs[runs.length - 1];
      if (last && last[0] === split[0]) last[1] += split[1];
      else runs.push(split);
    });
    runs.forEach(function (run) {
      var inner = target;
      MARK_ORDER.split("").forEach(function (letter) {
        if (run[0].indexOf(letter) < 0) return;
        inner = inner.appendChild(element(MARK_TAGS[letter][0], MARK_TAGS[letter][1]));
      });
      appendText(inner, run[1], literal);
    });
  }

  function Blocks(parent) {
    this.parent = parent;
    this.stack = [];
    this.names = [];
    this.leaf = null;
    this.literal = false;
  }

  Blocks.prototype.current = function () {
    return this.stack.length ? this.stack[this.stack.length - 1] : this.parent;
  };

  Blocks.prototype.open = function (containers, leaf, state) {
    var depth = 0;
    while (depth < this.names.length && depth < containers.length && !containers[depth].fresh &&
           this.names[depth] === containers[depth].name) depth++;
    this.stack.length = depth;
    this.names.length = depth;
    containers.slice(depth).forEach(function (container) {
      var node = element(lookup(CONTAINER_TAGS, container.name, "div"));
      if (container.name === "ol" && container.start) node.setAttribute("start", container.start);
      this.current().appendChild(node);
      this.stack.push(node);
      this.names.push(container.name);
    }, this);
    this.openLeaf(leaf, state ? "charter-diff__block--" + state : "");
  };

  Blocks.prototype.openLeaf = function (leaf, className) {
    var tag = lookup(LEAF_TAGS, leaf, "p");
    var node = this.current().appendChild(element(tag, className));
    this.leaf = tag === "hr" ? null : node;
    this.literal = leaf === "pre" || leaf === "html";
  };

  Blocks.prototype.words = function (content) {
    if (content.length && this.leaf === null) this.openLeaf("p", "");
    var index = 0;
    while (index < content.length) {
      var op = content[index][0];
      var end = index;
      while (end < content.length && content[end][0] === op) end++;
      var tokens = content.slice(index, end).map(function (item) { return item[1]; });
      appendWords(this.leaf, op, tokens, this.literal);
      index = end;
    }
  };

  Blocks.prototype.mark = function (op) {
    if (this.leaf === null) this.openLeaf("p", "");
    var node = element(op === "insert" ? "ins" : "del", "charter-diff__break", "¶");
    node.title = "paragraph break";
    this.leaf.appendChild(node);
  };

  function renderBlocks(parent, segments) {
    var groups = [];
    segments.forEach(function (segment) {
      segment.tokens.forEach(function (token) {
        if (isBlock(token)) groups.push({ op: segment.op, marker: token, content: [] });
        else if (groups.length) groups[groups.length - 1].content.push([segment.op, token]);
        else groups.push({ op: "equal", marker: BLOCK + "p", content: [[segment.op, token]] });
      });
    });
    var blocks = new Blocks(parent);
    groups.forEach(function (group) {
      var where = path(group.marker);
      var same = group.content.every(function (item) { return item[0] === group.op; });
      if (group.op === "delete" && !same) {
        blocks.mark("delete");
      } else {
        blocks.open(where.containers, where.leaf, STATES[group.op]);
        if (group.op !== "equal" && (!same || !group.content.length) && !lookup(CELLS, where.leaf, false)) {
          blocks.mark(group.op);
        }
      }
      blocks.words(group.content);
    });
  }

  function oneLine(text) {
    return text.replace(/[ \t\n\r\f\v]+/g, " ").replace(/^ | $/g, "");
  }

  function section(item) {
    var className = "charter-diff__clause charter-diff__clause--" + item.kind;
    var node = element("section", className + (isPreamble(item) ? " charter-diff__clause--preamble" : ""));
    var heading = node.appendChild(element("h3"));
    var title = oneLine(item.title) || "Preamble";
    var oldTitle = oneLine(item.oldTitle);
    if (item.kind === "renamed" && oldTitle !== title) {
      heading.appendChild(element("del", "", oldTitle));
      heading.appendChild(document.createTextNode(" "));
      heading.appendChild(element("ins", "", title));
    } else {
      heading.textContent = title;
    }
    if (item.kind === "renamed" && item.oldAnchor !== item.anchor) {
      node.appendChild(element("p", "charter-diff__note",
        "Anchor changed from #" + item.oldAnchor + " to #" + item.anchor + "."));
    }
    if (item.segments.some(function (s) { return s.op !== "equal"; })) {
      renderBlocks(node, item.segments);
    } else if (item.kind === "renamed") {
      node.appendChild(element("p", "charter-diff__note", "Text unchanged."));
    }
    return node;
  }

  function folded(titles) {
    var noun = titles.length === 1 ? "unchanged clause" : "unchanged clauses";
    var names = titles.map(oneLine).join(", ");
    return element("p", "charter-diff__folded", titles.length + " " + noun + ": " + names);
  }

  function render(output, from, to, budget) {
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
    var changes = diffClauses(from.clauses, to.clauses, budget);
    if (changes.every(function (c) { return c.kind === "unchanged"; })) {
      output.appendChild(element("p", "charter-compare__none",
        "No visible change to the text between " + from.label + " and " + to.label + "."));
    } else {
      output.appendChild(element("p", "charter-compare__summary",
        "From " + from.label + " to " + to.label + ": " + summary(changes) + "."));
    }
    var unchanged = [];
    changes.forEach(function (item) {
      if (item.kind === "unchanged") {
        if (!isPreamble(item)) unchanged.push(item.title);
        return;
      }
      if (unchanged.length) output.appendChild(folded(unchanged));
      unchanged = [];
      output.appendChild(section(item));
    });
    if (unchanged.length) output.appendChild(folded(unchanged));
  }

  /* number -> {number, label, clauses: [{anchor, title, tokens}]}, or null if the JSON is not as written. */
  function versionsOf(payload) {
    if (!payload || !Array.isArray(payload.clauses) || !Array.isArray(payload.versions)) return null;
    var byNumber = new Map();
    payload.versions.forEach(function (version) {
      var clauses = version.clauses.map(function (index) { return payload.clauses[index]; });
      var readable = clauses.every(function (c) { return c && Array.isArray(c.tokens); });
      if (clauses.length === 0 || !readable) return;
      byNumber.set(String(version.number),
        { number: version.number, label: String(version.label), clauses: clauses });
    });
    return byNumber;
  }

  function setUp(root) {
    if (root.getAttribute("data-charter-compare-ready") !== null) return;
    var form = root.querySelector(".charter-compare__form");
    var output = root.querySelector(".charter-compare__output");
    var data = root.querySelector(".charter-compare__versions");
    if (!form || !output || !data) return;
    var payload;
    var byNumber;
    try {
      payload = JSON.parse(data.textContent);
      byNumber = versionsOf(payload);
    } catch (error) {
      return; // the consecutive diffs above the form still tell the story
    }
    if (!byNumber || byNumber.size === 0) return;
    var from = form.elements.namedItem("from");
    var to = form.elements.namedItem("to");
    if (!from || !to) return;
    var update = function () {
      try {
        render(output, byNumber.get(from.value), byNumber.get(to.value), payload.budget);
      } catch (error) {
        while (output.firstChild) output.removeChild(output.firstChild);
        output.appendChild(element("p", "charter-compare__none", "These versions could not be compared."));
      }
    };
    // A link such as history/?from=2#compare (a version page's "compare with the current text") or
    // history/?from=2&to=5#compare chooses the pair; a version not named, or that cannot be compared,
    // keeps the default (`to`: the newest version, the current text).
    var asked = new URLSearchParams(window.location.search);
    [[from, asked.get("from")], [to, asked.get("to")]].forEach(function (pair) {
      if (pair[1] !== null && byNumber.has(pair[1])) pair[0].value = pair[1];
    });
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

  // For tests and the curious: the ported parts, no DOM needed.
  window.charterCompare = { boundedOpcodes: boundedOpcodes, diffTokens: diffTokens, diffClauses: diffClauses,
    limits: { pairing: PAIRING_LIMIT, similar: SIMILAR } };
})();
