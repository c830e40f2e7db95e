// The issue page's keys and dragging: j/k choose a story, Shift+J / Shift+K (or Alt+Down / Alt+Up) move it down /
// up, e opens its title and summary; a story dropped on another takes its place. Each submits the story's own
// move form (CSRF token and versions included), the same POST its buttons make without JavaScript.
(function () {
  "use strict";

  function stories() { return Array.prototype.slice.call(document.querySelectorAll("li.issue-story")); }
  function cursorKey() { return "newsdesk-issue-story:" + location.pathname; }

  function submit(form) {
    if (!form) { return; }
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  // The current story is remembered by id, so it stays current after its move reloads the page.
  function current() {
    var id = sessionStorage.getItem(cursorKey());
    var list = stories();
    return list.filter(function (li) { return li.getAttribute("data-story-id") === id; })[0] || list[0];
  }

  function mark(story) {
    if (!story) { return; }
    stories().forEach(function (li) { li.classList.toggle("current", li === story); });
    sessionStorage.setItem(cursorKey(), story.getAttribute("data-story-id"));
    var box = story.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) { story.scrollIntoView({ block: "nearest" }); }
  }

  function step(by) {
    var list = stories(), index = list.indexOf(current());
    mark(list[Math.max(0, Math.min(index + by, list.length - 1))]);
  }

  function moveCurrent(direction) {
    var story = current();
    if (story) { submit(story.querySelector("form.move-" + direction)); }
  }

  function editCurrent() {
    var story = current(), details = story && story.querySelector("details.edit-story");
    if (!details) { return; }
    details.open = true;
    details.querySelector("input[name=title]").focus();
  }

  function onKey(event) {
    var target = event.target;
    if (target && (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || target.isContentEditable)) { return; }
    if (event.ctrlKey || event.metaKey) { return; }
    var key = event.key;
    if (event.altKey && key === "ArrowDown") { moveCurrent("down"); }
    else if (event.altKey && key === "ArrowUp") { moveCurrent("up"); }
    else if (event.altKey) { return; }
    else if (key === "J") { moveCurrent("down"); }
    else if (key === "K") { moveCurrent("up"); }
    else if (key === "j") { step(1); }
    else if (key === "k") { step(-1); }
    else if (key === "e") { editCurrent(); }
    else { return; }
    event.preventDefault();
  }

  // Dropped on another story: the dragged story's move-to form, set to the other's place and section.
  function dragging() {
    var dragged = null;
    stories().forEach(function (li) {
      li.addEventListener("dragstart", function (event) {
        dragged = li;
        li.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", li.getAttribute("data-story-id"));
      });
      li.addEventListener("dragend", function () {
        li.classList.remove("dragging");
        stories().forEach(function (other) { other.classList.remove("drop-target"); });
      });
      li.addEventListener("dragover", function (event) {
        if (!dragged || dragged === li) { return; }
        event.preventDefault();
        li.classList.add("drop-target");
      });
      li.addEventListener("dragleave", function () { li.classList.remove("drop-target"); });
      li.addEventListener("drop", function (event) {
        if (!dragged || dragged === li) { return; }
        event.preventDefault();
        var form = dragged.querySelector("form.move-to");
        form.querySelector("input[name=position]").value = li.getAttribute("data-position");
        form.querySelector("select[name=section]").value = li.getAttribute("data-section");
        mark(dragged);
        submit(form);
      });
    });
  }

  // A click on a title opens its edit form (the form works without this, under "Edit the title and summary").
  function clickToEdit() {
    stories().forEach(function (li) {
      var title = li.querySelector(".issue-title");
      if (!title || !li.querySelector("details.edit-story")) { return; }
      title.addEventListener("click", function () { mark(li); editCurrent(); });
      li.addEventListener("click", function () { mark(li); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!stories().length) { return; }
    document.addEventListener("keydown", onKey);
    mark(current());
    dragging();
    clickToEdit();
  });
})();
