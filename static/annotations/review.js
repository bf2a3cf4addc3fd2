/* Review page behaviour: keyboard flow, text selection to offsets, highlight linking and
 * the speaker autocomplete. Every action is still a plain form with hx-post: the script
 * only clicks buttons and fills inputs, so the page works (more slowly) without it. */
(function () {
  "use strict";

  const review = document.getElementById("review");
  if (!review) return;
  const canEdit = review.dataset.canEdit === "true";
  review.classList.add("js"); // lets the CSS show per-row tools on the current row only
  const textEl = document.getElementById("article-text");
  const statusEl = document.getElementById("review-status");
  let currentId = null;
  let advanceAfterSwap = false;
  let selection = null; // {start, end, text} of the last selection inside the article

  const rows = () => Array.from(document.querySelectorAll("#quote-list .quote-row"));
  const rowOf = (id) => document.getElementById("quote-" + id);
  const segmentsOf = (id) => textEl.querySelectorAll('[data-quotes~="' + id + '"]');

  // ---- the current quote --------------------------------------------------------------

  function select(id, options) {
    const opts = Object.assign({ focus: true, scroll: true }, options || {});
    document.querySelectorAll(".quote-row.current").forEach((r) => {
      r.classList.remove("current");
      r.removeAttribute("aria-current");
    });
    textEl.querySelectorAll(".current-quote").forEach((s) => s.classList.remove("current-quote"));
    const row = id ? rowOf(id) : null;
    currentId = row ? String(id) : null;
    updateSelectionBar();
    if (!row) return;
    row.classList.add("current");
    row.setAttribute("aria-current", "true");
    // The address names the current quote, so a reload or a shared link comes back to it
    // (replaceState: moving between quotes adds nothing to the back button's list).
    if (window.location.hash !== "#quote-" + id) window.history.replaceState(null, "", "#quote-" + id);
    const segs = segmentsOf(id);
    segs.forEach((s) => s.classList.add("current-quote"));
    if (opts.scroll) {
      if (segs.length) segs[0].scrollIntoView({ block: "nearest" });
      row.scrollIntoView({ block: "nearest" });
    }
    if (opts.focus) row.focus({ preventScroll: true });
    if (canEdit) prefetchEdit(row);
  }

  function move(delta) {
    const all = rows();
    if (!all.length) return;
    let index = all.findIndex((r) => r.dataset.quote === currentId);
    index = index < 0 ? (delta > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + delta));
    select(all[index].dataset.quote);
  }

  function nextCandidateAfter(id) {
    const all = rows();
    const index = all.findIndex((r) => r.dataset.quote === String(id));
    const after = all.slice(index + 1).concat(all.slice(0, index + 1));
    const candidate = after.find((r) => r.classList.contains("status-candidate"));
    if (candidate) return candidate.dataset.quote;
    return index + 1 < all.length ? all[index + 1].dataset.quote : String(id);
  }

  function pressInCurrent(selector) {
    const row = currentId && rowOf(currentId);
    const button = row && row.querySelector(selector);
    if (!button) return false;
    button.click();
    return true;
  }

  function openEdit(row) {
    const details = row.querySelector("details.quote-edit");
    if (details) details.open = true;
    return details;
  }

  // The edit panel is loaded into the row when first opened (htmx, on "toggle"), and
  // fetched ahead for the current row. Keys typed after "s" before it arrives are kept
  // and put into the speaker field, so a fast typist loses nothing.
  let focusSpeakerOf = null;
  let typedAhead = "";
  function prefetchEdit(row) {
    const details = row && row.querySelector("details.quote-edit");
    if (details && !row.querySelector(".edit-panel") && window.htmx) htmx.trigger(details, "toggle");
  }
  function focusSpeaker(row) {
    const input = row.querySelector(".speaker-input");
    // A panel just swapped in is wired up by htmx only when it settles (~20 ms later):
    // letters typed into it before then would never reach the autocomplete. Until then
    // it counts as not loaded, and the keys are kept.
    if (!input || input.closest(".htmx-added, .htmx-settling")) return false;
    input.focus();
    if (typedAhead) {
      input.value = typedAhead;
      typedAhead = "";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
    return true;
  }
  function editSpeaker() {
    const row = currentId && rowOf(currentId);
    if (!row) return;
    openEdit(row);
    focusSpeakerOf = focusSpeaker(row) ? null : row.dataset.quote;
  }
  // afterSettle, not afterSwap: htmx wires up the new panel's hx-* attributes at settle.
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const slot = event.target;
    if (!slot.classList || !slot.classList.contains("edit-slot")) return;
    const row = slot.closest(".quote-row");
    if (row && row.dataset.quote === focusSpeakerOf) {
      focusSpeakerOf = null;
      focusSpeaker(row);
    }
  });

  // ---- htmx answers -------------------------------------------------------------------

  // htmx fires afterSettle on every swapped element (the out-of-band ones too): act once.
  document.body.addEventListener("htmx:afterSettle", (event) => {
    if (event.target !== statusEl) return;
    const marker = statusEl.querySelector("#review-focus");
    const focus = marker && marker.dataset.focus;
    const ok = event.detail.xhr && event.detail.xhr.status === 200;
    let id = focus || currentId;
    if (ok && advanceAfterSwap && focus) id = nextCandidateAfter(focus);
    advanceAfterSwap = false;
    if (!id || !rowOf(id)) {
      // The quote is gone (an added quote undone): carry on with the first candidate.
      const first = rows().find((r) => r.classList.contains("status-candidate")) || rows()[0];
      id = first ? first.dataset.quote : null;
    }
    select(id, { scroll: true });
  });

  document.body.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (form && form.id === "add-quote-form" && event.detail.successful) {
      form.reset();
      document.getElementById("add-quote-preview").textContent = "";
      document.getElementById("add-quote").open = false;
    }
  });

  function say(text) {
    statusEl.innerHTML = "";
    const p = document.createElement("p");
    p.className = "message error";
    p.textContent = text;
    statusEl.appendChild(p);
  }
  document.body.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
    say(
      status === 403
        ? "Refused (403): your account may not be an editor's any more, or you were logged out. Reload the page."
        : "The server could not do this (error " + status + "). Nothing was changed; reload and try again.",
    );
  });
  document.body.addEventListener("htmx:sendError", () => say("Could not reach the server. Nothing was changed."));

  // Confirm and reject move on to the next candidate, as in Prodigy.
  review.addEventListener("click", (event) => {
    if (event.target.closest(".act-confirm, .act-reject")) advanceAfterSwap = true;
  });

  // ---- keyboard -----------------------------------------------------------------------

  const help = document.getElementById("help-dialog");
  const helpOpen = document.getElementById("help-open");
  if (helpOpen && help) helpOpen.addEventListener("click", () => help.showModal());

  // The speaker's profile in a dialog (views/profiles.py): "P", or the card's Profile button.
  function openProfile(button) {
    const dialog = document.getElementById("profile-dialog");
    const row = currentId && rowOf(currentId);
    button = button || (row && row.querySelector(".act-profile"));
    if (!dialog || !button) return;
    htmx.ajax("GET", button.dataset.profileUrl, { target: "#profile-dialog-body" }).then(() => dialog.showModal());
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".act-profile");
    if (button) openProfile(button);
  });

  function submitForm(id) {
    const form = document.getElementById(id);
    if (form) form.requestSubmit();
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (focusSpeakerOf !== null) {
      // Waiting for the speaker field: keep what is typed for it.
      if (event.key === "Escape") {
        focusSpeakerOf = null;
        typedAhead = "";
      } else if (event.key === "Backspace") {
        typedAhead = typedAhead.slice(0, -1);
      } else if (event.key.length === 1) {
        typedAhead += event.key;
      } else {
        return;
      }
      event.preventDefault();
      return;
    }
    const target = event.target;
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) {
      if (event.key === "Escape" && !target.closest("dialog")) {
        target.blur();
        if (currentId) select(currentId, { scroll: false });
      }
      return;
    }
    if (document.querySelector("dialog[open]")) return;
    const onRowOrPage = target === document.body || target.id === "main" || target.classList.contains("quote-row");
    switch (event.key) {
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "Enter":
        if (!onRowOrPage || !canEdit) return;
        advanceAfterSwap = pressInCurrent(".act-confirm");
        break;
      case "c":
        if (!canEdit) return;
        advanceAfterSwap = pressInCurrent(".act-confirm");
        break;
      case "x":
        if (!canEdit) return;
        advanceAfterSwap = pressInCurrent(".act-reject");
        break;
      case "s":
        if (!canEdit) return;
        editSpeaker();
        break;
      case "p":
        if (!canEdit) return;
        pressInCurrent(".act-previous");
        break;
      case "P":
        openProfile();
        break;
      case "[":
        pressInCurrent('button[value="grow_start"]');
        break;
      case "]":
        pressInCurrent('button[value="shrink_start"]');
        break;
      case "{":
        pressInCurrent('button[value="shrink_end"]');
        break;
      case "}":
        pressInCurrent('button[value="grow_end"]');
        break;
      case "u":
        if (!canEdit) return;
        submitForm("undo-form");
        break;
      case "n":
        if (!canEdit) return;
        submitForm("next-article-form");
        break;
      case "?":
        if (help) help.showModal();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // ---- highlights linked to rows ------------------------------------------------------

  function link(ids, on) {
    ids.forEach((id) => {
      segmentsOf(id).forEach((s) => s.classList.toggle("linked", on));
      const row = rowOf(id);
      if (row) row.classList.toggle("linked", on);
    });
  }
  const idsOf = (el) => (el && el.dataset.quotes ? el.dataset.quotes.split(" ") : []);

  textEl.addEventListener("mouseover", (e) => link(idsOf(e.target.closest("[data-quotes]")), true));
  textEl.addEventListener("mouseout", (e) => link(idsOf(e.target.closest("[data-quotes]")), false));
  textEl.addEventListener("click", (e) => {
    const seg = e.target.closest("[data-owner]");
    const sel = window.getSelection();
    if (seg && (!sel || sel.isCollapsed)) select(seg.dataset.owner, { scroll: false });
  });
  const list = document.getElementById("quote-list");
  const rowIds = (e) => {
    const row = e.target.closest(".quote-row");
    return row ? [row.dataset.quote] : [];
  };
  list.addEventListener("mouseover", (e) => link(rowIds(e), true));
  list.addEventListener("mouseout", (e) => link(rowIds(e), false));
  list.addEventListener("focusin", (e) => {
    link(rowIds(e), true);
    const row = e.target.closest(".quote-row");
    if (row && row.dataset.quote !== currentId) select(row.dataset.quote, { focus: false, scroll: false });
  });
  list.addEventListener("focusout", (e) => link(rowIds(e), false));
  list.addEventListener("click", (e) => {
    const row = e.target.closest(".quote-row");
    if (row && !e.target.closest("button, a, input, select, summary, label")) select(row.dataset.quote, { scroll: false });
  });

  // ---- selection → article offsets ----------------------------------------------------

  function textLength() {
    const last = textEl.lastElementChild;
    return last ? Number(last.dataset.offset) + last.textContent.length : 0;
  }

  // Each piece of text sits in a <span data-offset="N">: N plus the offset inside the
  // piece's text node is the offset in the article (the server checks it again).
  function pointOffset(node, offset) {
    if (node.nodeType === Node.TEXT_NODE) {
      const seg = node.parentElement.closest("[data-offset]");
      return seg ? Number(seg.dataset.offset) + offset : null;
    }
    if (node === textEl) {
      const child = textEl.childNodes[offset];
      return child && child.dataset ? Number(child.dataset.offset) : textLength();
    }
    const seg = node.closest && node.closest("[data-offset]");
    if (!seg) return null;
    return Number(seg.dataset.offset) + (offset === 0 ? 0 : seg.textContent.length);
  }

  function readSelection() {
    const sel = window.getSelection();
    if (!sel || !sel.rangeCount || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    if (!textEl.contains(range.startContainer) || !textEl.contains(range.endContainer)) return null;
    let start = pointOffset(range.startContainer, range.startOffset);
    let end = pointOffset(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return null;
    const text = range.toString();
    // Double-clicks and drags often take a space at either end: leave it out.
    start += text.length - text.trimStart().length;
    end -= text.length - text.trimEnd().length;
    if (end <= start) return null;
    return { start: start, end: end, text: text.trim() };
  }

  const bar = document.getElementById("selection-bar");
  function updateSelectionBar() {
    if (!bar) return;
    bar.hidden = !selection;
    if (!selection) return;
    const shown = selection.text.length > 120 ? selection.text.slice(0, 117) + "…" : selection.text;
    document.getElementById("selection-text").textContent = shown;
    document.getElementById("selection-span").disabled = !currentId;
  }

  function captureSelection() {
    selection = readSelection();
    updateSelectionBar();
  }
  textEl.addEventListener("mouseup", () => setTimeout(captureSelection, 0));
  textEl.addEventListener("keyup", captureSelection);
  document.addEventListener("selectionchange", () => {
    const sel = window.getSelection();
    if (sel && sel.isCollapsed && bar && !bar.contains(document.activeElement)) {
      // keep the last selection for the bar's buttons; hide the bar when nothing is selected
      if (!textEl.contains(sel.anchorNode)) return;
      selection = null;
      updateSelectionBar();
    }
  });

  function setSpanOf(row) {
    if (!selection || !row) return;
    const form = row.querySelector(".span-form");
    form.querySelector('input[name="start"]').value = selection.start;
    form.querySelector('input[name="end"]').value = selection.end;
    form.requestSubmit();
  }

  if (canEdit && bar) {
    document.getElementById("selection-span").addEventListener("click", () => setSpanOf(currentId && rowOf(currentId)));
    document.getElementById("selection-add").addEventListener("click", () => {
      if (!selection) return;
      document.getElementById("add-start").value = selection.start;
      document.getElementById("add-end").value = selection.end;
      document.getElementById("add-quote-preview").textContent = selection.text;
      const details = document.getElementById("add-quote");
      details.open = true;
      details.scrollIntoView({ block: "nearest" });
      details.querySelector(".speaker-input").focus();
    });
    review.addEventListener("click", (e) => {
      const button = e.target.closest(".use-selection");
      if (!button) return;
      if (!selection) {
        say("Select the quote's words in the article first.");
        return;
      }
      setSpanOf(button.closest(".quote-row"));
    });
  }

  // ---- speaker autocomplete -----------------------------------------------------------

  function options(field) {
    return Array.from(field.querySelectorAll(".suggestion"));
  }

  function pick(option) {
    const field = option.closest(".speaker-field");
    const form = field.closest("form");
    const hidden = field.querySelector('input[name="speaker"]');
    const input = field.querySelector(".speaker-input");
    const create = field.querySelector('input[name="create"]');
    if (option.dataset.newSpeaker !== undefined) {
      hidden.value = "";
      input.value = option.dataset.newSpeaker;
      create.checked = true;
    } else {
      hidden.value = option.dataset.speakerId;
      input.value = option.dataset.speakerName;
      create.checked = false;
    }
    field.querySelector(".suggestions").innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    const ready = form.id !== "add-quote-form" || (form.elements.start.value && form.elements.end.value);
    if (ready) form.requestSubmit();
    else input.focus();
  }

  review.addEventListener("click", (e) => {
    const option = e.target.closest(".suggestion");
    if (option) pick(option);
  });

  review.addEventListener("input", (e) => {
    if (!e.target.classList.contains("speaker-input")) return;
    const field = e.target.closest(".speaker-field");
    field.querySelector('input[name="speaker"]').value = ""; // typed again: the old pick no longer holds
  });

  document.body.addEventListener("htmx:afterSwap", (e) => {
    const box = e.detail.target;
    if (!box.classList || !box.classList.contains("suggestions")) return;
    const input = box.closest(".speaker-field").querySelector(".speaker-input");
    const first = box.querySelector(".suggestion");
    input.setAttribute("aria-expanded", first ? "true" : "false");
    if (first) {
      first.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", "");
    }
  });

  review.addEventListener("keydown", (e) => {
    const input = e.target;
    if (!input.classList || !input.classList.contains("speaker-input")) return;
    const field = input.closest(".speaker-field");
    const opts = options(field);
    if (!opts.length) return;
    let index = opts.findIndex((o) => o.getAttribute("aria-selected") === "true");
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      index = (index + (e.key === "ArrowDown" ? 1 : -1) + opts.length) % opts.length;
      opts.forEach((o, i) => o.setAttribute("aria-selected", i === index ? "true" : "false"));
      opts[index].id = opts[index].id || "suggestion-" + Math.random().toString(36).slice(2);
      input.setAttribute("aria-activedescendant", opts[index].id);
      e.preventDefault();
    } else if (e.key === "Enter") {
      e.preventDefault();
      pick(opts[Math.max(0, index)]);
    } else if (e.key === "Escape") {
      field.querySelector(".suggestions").innerHTML = "";
      input.setAttribute("aria-expanded", "false");
    }
  });

  // ---- start --------------------------------------------------------------------------

  const fromHash = /^#quote-(\d+)$/.exec(window.location.hash);
  if (fromHash && rowOf(fromHash[1])) {
    select(fromHash[1]);
  } else {
    const first = rows().find((r) => r.classList.contains("status-candidate")) || rows()[0];
    if (first) select(first.dataset.quote, { scroll: false });
  }
})();
