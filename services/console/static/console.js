// Progressive enhancement only: every page works without this file.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// The bank's deal feed grows without a reload: the console relays matching's live stream.
function followFeed() {
  const feed = document.getElementById("feed");
  if (!feed || !window.EventSource) return;
  const after = feed.dataset.after || "";
  const source = new EventSource(feed.dataset.stream + (after ? "?after=" + encodeURIComponent(after) : ""));
  source.addEventListener("entry", (message) => {
    const holder = document.createElement("ol");
    holder.innerHTML = message.data;  // rendered and escaped by the console's templates
    const item = holder.firstElementChild;
    if (!item || feed.querySelector('[data-position="' + item.dataset.position + '"]')) return;
    item.classList.add("new");
    feed.appendChild(item);
    const empty = document.getElementById("feed-empty");
    if (empty) empty.remove();
  });
}

// The new-project form shows what scoring would say before anything is submitted.
function previewEstimate() {
  const form = document.getElementById("project-form");
  const target = document.getElementById("estimate");
  if (!form || !target) return;
  let timer = null;
  const run = () => {
    const body = new FormData(form);
    fetch("/enterprise/estimate", {
      method: "POST",
      body: body,
      headers: { "X-CSRF-Token": csrfToken(), "X-Fragment": "1" },
      credentials: "same-origin",
    })
      .then((r) => r.text())
      .then((html) => { target.innerHTML = html; })
      .catch(() => {});
  };
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 600); });
}

// A bulk upload's progress refreshes itself until the job is finished.
function refreshProgress() {
  const bar = document.querySelector("[data-refresh-while-running]");
  if (bar) setTimeout(() => window.location.reload(), 1500);
}

document.addEventListener("DOMContentLoaded", () => {
  followFeed();
  previewEstimate();
  refreshProgress();
});
