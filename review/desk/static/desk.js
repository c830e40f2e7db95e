// The desk's keys: j/k move, x select, a approve, r reject, 1-9 move to section N, o open the original,
// Enter the story page, / search, u undo, ? the key list. Each key submits one of the page's own forms, so
// every action is the same POST (CSRF token and version included) that the buttons make without JavaScript.
(function () {
  "use strict";

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr.story-row")); }
  function storyPage() { return document.querySelector("article.story-page"); }
  function cursorKey() { return "newsdesk-cursor:" + location.pathname + location.search; }

  function currentIndex() {
    var list = rows();
    var saved = parseInt(sessionStorage.getItem(cursorKey()) || "0", 10);
    return Math.max(0, Math.min(isNaN(saved) ? 0 : saved, list.length - 1));
  }

  function mark(index) {
    var list = rows();
    if (!list.length) { return; }
    index = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (row, i) { row.classList.toggle("current", i === index); });
    sessionStorage.setItem(cursorKey(), String(index));
    var row = list[index];
    var box = row.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) { row.scrollIntoView({ block: "nearest" }); }
  }

  // The story a key acts on: the queue's current row, or the story of the story page.
  function current() { return rows()[currentIndex()] || storyPage(); }

  function selected() {
    return Array.prototype.slice.call(document.querySelectorAll("input[form=bulk][name=story]:checked"));
  }

  function submit(form, button) {
    if (!form) { return; }
    if (form.requestSubmit) { form.requestSubmit(button || undefined); } else if (button) { button.click(); } else { form.submit(); }
  }

  function sectionNames() {
    var select = document.querySelector("#bulk select[name=section]") || document.querySelector("#move-form select[name=section]");
    if (!select) { return []; }
    return Array.prototype.slice.call(select.options).map(function (o) { return o.value; }).filter(Boolean);
  }

  // a, r: the selection when there is one, else the current story.
  function decide(action) {
    var bulk = document.getElementById("bulk");
    if (bulk && selected().length) {
      submit(bulk, bulk.querySelector("button[value=" + action + "]"));
      return;
    }
    var page = storyPage();
    if (page) { submit(document.getElementById(action + "-form")); return; }
    var row = current();
    if (row) { submit(row.querySelector("form." + action)); }
  }

  function move(number) {
    var name = sectionNames()[number - 1];
    if (!name) { return; }
    var bulk = document.getElementById("bulk");
    if (bulk && selected().length) {
      bulk.querySelector("select[name=section]").value = name;
      submit(bulk, bulk.querySelector("button[value=move]"));
      return;
    }
    var moveForm = document.getElementById("move-form");
    if (moveForm) {
      moveForm.querySelector("select[name=section]").value = name;
      submit(moveForm);
      return;
    }
    var row = current(), form = document.getElementById("key-form");
    if (!row || !form) { return; }
    form.action = row.getAttribute("data-href") + "/move";
    form.querySelector("input[name=version]").value = row.getAttribute("data-version");
    form.querySelector("input[name=section]").value = name;
    submit(form);
  }

  function toggleKeys() {
    var keys = document.getElementById("keys");
    if (keys) { keys.hidden = !keys.hidden; }
  }

  // Where the editor types: the keys are letters there. A ticked box or a clicked button is not one.
  var NOT_TYPED = /^(checkbox|radio|button|submit|reset)$/;
  function typing(target) {
    if (!target || !target.tagName) { return false; }
    if (target.tagName === "INPUT") { return !NOT_TYPED.test(target.type); }
    return /^(TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable;
  }

  function onKey(event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(target)) {
      if (event.key === "Escape") { target.blur(); }
      return;
    }
    // Enter on a focused link or button does what it says, not "open the current story".
    if (event.key === "Enter" && target && /^(A|BUTTON)$/.test(target.tagName)) { return; }
    var key = event.key, row;
    if (key === "j") { mark(currentIndex() + 1); }
    else if (key === "k") { mark(currentIndex() - 1); }
    else if (key === "x") {
      row = rows()[currentIndex()];
      var box = row && row.querySelector("input[name=story]");
      if (box) { box.checked = !box.checked; }
    }
    else if (key === "a") { decide("approve"); }
    else if (key === "r") { decide("reject"); }
    else if (/^[1-9]$/.test(key)) { move(parseInt(key, 10)); }
    else if (key === "o") {
      row = current();
      var url = row && row.getAttribute("data-url");
      if (url) { window.open(url, "_blank", "noopener,noreferrer"); }
    }
    else if (key === "Enter") {
      row = rows()[currentIndex()];
      if (row) { location.href = row.getAttribute("data-href"); } else { return; }
    }
    else if (key === "/") {
      var search = document.getElementById("search");
      if (search) { search.focus(); search.select(); } else { location.href = "/#search"; }
    }
    else if (key === "u") { submit(document.getElementById("undo-form")); }
    else if (key === "?") { toggleKeys(); }
    else if (key === "Escape") { var keys = document.getElementById("keys"); if (keys) { keys.hidden = true; } }
    else { return; }
    event.preventDefault();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.addEventListener("keydown", onKey);
    rows().forEach(function (row, i) {
      row.addEventListener("click", function () { mark(i); });
    });
    mark(currentIndex());
    var toggle = document.querySelector(".keys-toggle");
    if (toggle) { toggle.addEventListener("click", toggleKeys); toggle.hidden = false; }
    if (location.hash === "#search") {
      var search = document.getElementById("search");
      if (search) { search.focus(); }
    }
  });
})();
