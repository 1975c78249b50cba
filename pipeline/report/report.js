// dealstream report: draws the charts and runs the deals table (search + sort), no libraries
// beyond the inlined plotly.js. Data comes from the JSON blocks; it only enters the page
// through textContent, and only http(s) URLs become links.
(function () {
  "use strict";
  function readJson(id) { return JSON.parse(document.getElementById(id).textContent); }

  var figures = readJson("report-figures");
  Object.keys(figures).forEach(function (id) {
    var el = document.getElementById(id);
    var fig = figures[id];
    if (el && window.Plotly) {
      window.Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false })
        .then(function () { el.setAttribute("data-drawn", "true"); });
    }
  });

  var table = readJson("report-table");
  var columns = table.columns;
  var rows = table.rows;
  var tbody = document.querySelector("#deals tbody");
  var search = document.getElementById("deal-search");
  var count = document.getElementById("deal-count");
  var sortKey = null, sortDir = 1;

  function safeUrl(url) { return /^https?:\/\//i.test(url) ? url : null; }
  function formatNumber(value, key) {
    if (value === null || value === undefined) return "";
    if (key === "confidence") return value.toFixed(2);
    return Math.round(value).toLocaleString("en-US");
  }
  rows.forEach(function (row) {
    row._search = columns.map(function (c) { return String(row[c[0]] === null ? "" : row[c[0]]); })
      .concat([row.title, row.url]).join(" \u0001 ").toLowerCase();
  });

  function cell(row, column) {
    var td = document.createElement("td");
    var key = column[0], kind = column[2];
    td.className = kind;
    if (kind === "number") {
      td.textContent = formatNumber(row[key], key);
    } else if (kind === "evidence") {
      var quote = document.createElement("q");
      quote.textContent = row.evidence;
      td.appendChild(quote);
      var url = safeUrl(row.url);
      if (url) {
        var a = document.createElement("a");
        a.href = url;
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        a.textContent = "source";
        a.title = row.title || url;
        td.appendChild(a);
      } else if (row.title) {
        var span = document.createElement("span");
        span.className = "meta";
        span.textContent = " (" + row.title + ")";
        td.appendChild(span);
      }
    } else {
      td.textContent = row[key];
    }
    return td;
  }

  function compare(a, b) {
    var x = a[sortKey], y = b[sortKey];
    var xe = x === null || x === "", ye = y === null || y === "";
    if (xe || ye) return xe === ye ? 0 : (xe ? 1 : -1);  // blanks last either way
    if (typeof x === "number" && typeof y === "number") return sortDir * (x - y);
    return sortDir * String(x).localeCompare(String(y));
  }

  function render() {
    var query = search.value.trim().toLowerCase();
    var shown = rows.filter(function (row) { return !query || row._search.indexOf(query) !== -1; });
    if (sortKey) shown.sort(compare);
    var fragment = document.createDocumentFragment();
    shown.forEach(function (row) {
      var tr = document.createElement("tr");
      columns.forEach(function (column) { tr.appendChild(cell(row, column)); });
      fragment.appendChild(tr);
    });
    tbody.replaceChildren(fragment);
    count.textContent = shown.length + " of " + rows.length + " rows";
  }

  document.querySelectorAll("#deals th").forEach(function (th) {
    function sortHere() {
      var key = th.getAttribute("data-key");
      sortDir = (sortKey === key) ? -sortDir : 1;
      sortKey = key;
      document.querySelectorAll("#deals th").forEach(function (other) { other.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", sortDir === 1 ? "ascending" : "descending");
      render();
    }
    th.addEventListener("click", sortHere);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortHere(); } });
  });
  search.addEventListener("input", render);
  render();
})();
