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
    const opts = Object.assign({ focus: true, scroll: true, remember: true }, options || {});
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
    // Not for the first quote chosen on load: the browser scrolls to the address's
    // fragment when the page finishes loading, which opened the page 200 px down.
    if (opts.remember && window.location.hash !== "#quote-" + id) window.history.replaceState(null, "", "#quote-" + id);
    const segs = segmentsOf(id);
    segs.forEach((s) => s.classList.add("current-quote"));
    if (opts.scroll) {
      if (segs.length) segs[0].scrollIntoView({ block: "nearest" });
      row.scrollIntoView({ block: "nearest" });
    }
    if (opts.focus) row.focus({ preventScroll: true });
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

  // The edit panel is loaded into the row when first opened (htmx, on "toggle"), not
  // ahead of time: fetching it for every current row cost a request per action. Keys
  // typed after "s" before it arrives are kept and put into the speaker field, so a fast
  // typist loses nothing.
  let focusSpeakerOf = null;
  let typedAhead = "";
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

  // A refusal (400) or conflict (409) carries the message saying what went wrong, for
  // the status area. In DEBUG, django-htmx's error handler (on document) would replace
  // the whole page with it: stopped here, on body, before it gets there; htmx itself
  // goes on and swaps the answer as configured in _htmx_config.html.
  document.body.addEventListener("htmx:beforeOnLoad", (event) => {
    const status = event.detail.xhr && event.detail.xhr.status;
    if (status === 400 || status === 409) event.stopPropagation();
  });

  // One action at a time: keys pressed while an action's request is in flight wait in
  // this queue and run, in order, once its answer is on the page (so "ccc" confirms
  // three quotes, and "}}}" moves the end three steps).
  let busy = false;
  const pendingKeys = [];
  const isAction = (elt) => elt && elt.closest && elt.closest("form[hx-post]") !== null;
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (isAction(event.detail.elt)) busy = true;
  });
  function idle() {
    busy = false;
    showQueued();
    const next = pendingKeys.shift();
    if (next) runKey(next);
  }
  document.body.addEventListener("htmx:afterRequest", (event) => {
    // A failed request swaps nothing, so no settle follows: free the queue here.
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (isAction(event.detail.elt) && ![200, 400, 409].includes(status)) idle();
  });
  function showQueued() {
    let note = document.getElementById("queued-keys");
    if (!pendingKeys.length) {
      if (note) note.remove();
      return;
    }
    if (!note) {
      note = document.createElement("p");
      note.id = "queued-keys";
      note.className = "message info";
      statusEl.after(note);
    }
    note.textContent = "Waiting for the server; then: " + pendingKeys.map((k) => (k.key === "goto" ? "g" + k.number : k.key)).join(" ");
  }

  // An added or removed quote's row comes alone: the rows after it keep the numbers they
  // were sent with, so the list numbers its rows again (their titles and button labels).
  function renumber() {
    rows().forEach((row, i) => {
      const n = String(i + 1);
      const hidden = row.querySelector(".quote-row-title .visually-hidden");
      if (!hidden || hidden.textContent === "Quote " + n + ",") return;
      hidden.textContent = "Quote " + n + ",";
      const shown = row.querySelector(".quote-number");
      if (shown) shown.textContent = n;
      row.querySelectorAll("[aria-label]").forEach((el) => {
        el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/quote \d+$/, "quote " + n));
      });
    });
  }

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
    renumber();
    // The text was drawn again: a selection made before is gone with it, and its bar must
    // not move whichever quote is current now onto it.
    clearSelection();
    select(id, { scroll: true });
    idle();
  });

  document.body.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (form && form.id === "add-quote-form" && event.detail.successful) {
      form.reset();
      document.getElementById("add-quote-preview").textContent = "";
      document.getElementById("add-quote").open = false;
    }
  });

  function say(text, level) {
    statusEl.innerHTML = "";
    const p = document.createElement("p");
    p.className = "message " + (level || "error");
    p.textContent = text;
    statusEl.appendChild(p);
  }
  const sayInfo = (text) => say(text, "info");
  document.body.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
    say(
      status === 403
        ? "Refused (403): your account may not be an editor's any more, or you were logged out. Reload the page."
        : "The server could not do this (error " + status + "). Nothing was changed; reload and try again.",
    );
  });
  document.body.addEventListener("htmx:sendError", () => say("Could not reach the server. Nothing was changed."));
  document.body.addEventListener("htmx:responseError", () => {
    pendingKeys.length = 0; // after an error, keys meant for what followed no longer apply
  });

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

  // A span step with no button of its own on the card: the card's span form sent with
  // that adjustment (the server works out the new span, as for the word steps).
  function adjustSpan(adjustment) {
    const row = currentId && rowOf(currentId);
    const form = row && row.querySelector(".span-form");
    if (!form) return;
    const input = document.createElement("input");
    Object.assign(input, { type: "hidden", name: "adjust", value: adjustment });
    form.appendChild(input);
    form.requestSubmit(); // htmx reads the form's values here, synchronously
    input.remove();
  }

  function submitForm(id) {
    const form = document.getElementById(id);
    if (form) form.requestSubmit();
  }

  // Keys that act on the current quote or the article: while an action is in flight
  // they wait their turn (see pendingKeys); moving between quotes waits too, so the
  // next key acts on the quote the editor meant.
  const QUEUED = new Set(["c", "x", "p", "1", "2", "3", "[", "]", "{", "}", "<", ">", "(", ")", "u", "M", "A", "N", "j", "k", "goto", "Enter"]);
  let confirmWithoutSpeaker = null; // the quote whose "no speaker" warning was shown

  function confirmCurrent() {
    const row = currentId && rowOf(currentId);
    if (!row) return false;
    // A quote with nobody as its speaker is rarely what the editor means to publish:
    // the first press warns, a second one confirms.
    if (row.querySelector(".speaker-name").textContent === "no speaker" && confirmWithoutSpeaker !== currentId) {
      confirmWithoutSpeaker = currentId;
      sayInfo("This quote has no speaker. Press c again to confirm it without one, or s to choose one.");
      return false;
    }
    confirmWithoutSpeaker = null;
    return pressInCurrent(".act-confirm");
  }

  // "g" then a card's number: the digits typed so far (null: not going anywhere). The
  // number is taken as soon as no other card's number starts with it, or with Enter, or
  // with the key that acts on that card: "g 1 x" rejects card 1 where cards 10 and on
  // exist, as the editor meant (only a digit, 1 2 3 picking a speaker, needs Enter first).
  let goTo = null;
  function runOrQueue(k) {
    if (busy && QUEUED.has(k.key)) {
      pendingKeys.push(k);
      showQueued();
      return;
    }
    runKey(k);
  }
  function goToKey(event) {
    const count = rows().length;
    if (/^[0-9]$/.test(event.key)) {
      goTo += event.key;
      const number = Number(goTo);
      if (number * 10 > count) {
        goTo = null;
        runOrQueue({ key: "goto", number: number });
      } else {
        sayInfo("Go to quote " + goTo + "…");
      }
      return true;
    }
    if (event.key === "Shift" || event.key === "CapsLock") return true; // "g 1 {": not yet
    const number = Number(goTo);
    goTo = null;
    if (event.key === "Escape") {
      sayInfo("Not going anywhere.");
      return true;
    }
    if (number) runOrQueue({ key: "goto", number: number });
    // Enter only ends the number; any other key then does what it does, on that card.
    return event.key === "Enter";
  }

  function runKey(k) {
    if (k.key !== "c" && k.key !== "Enter") confirmWithoutSpeaker = null;
    switch (k.key) {
      case "j":
        move(1);
        break;
      case "k":
        move(-1);
        break;
      case "goto": {
        const row = rows()[k.number - 1];
        if (row) select(row.dataset.quote);
        else sayInfo("There is no quote " + k.number + " in this article.");
        break;
      }
      case "Enter":
      case "c":
        advanceAfterSwap = confirmCurrent();
        break;
      case "x":
        advanceAfterSwap = pressInCurrent(".act-reject");
        break;
      case "s":
        editSpeaker();
        break;
      // A speaker chosen decides the quote (it is then "corrected"): the flow moves on.
      case "p":
        advanceAfterSwap = pressInCurrent(".act-previous");
        break;
      case "P":
        openProfile();
        break;
      case "1":
      case "2":
      case "3":
        advanceAfterSwap = pressInCurrent('.act-offer[data-key="' + k.key + '"]');
        if (!advanceAfterSwap) sayInfo("No alternative speaker " + k.key + " for this quote: press s to choose one.");
        break;
      case "M":
        if (!pressInCurrent(".act-clear-mention")) sayInfo("This quote has no speaker mention to clear.");
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
      // By clause: the start to the clause before or after, the end to the clause end
      // before or after (segments.py's clause steps), one key where words took many.
      case "<":
        adjustSpan("grow_start_clause");
        break;
      case ">":
        adjustSpan("shrink_start_clause");
        break;
      case "(":
        adjustSpan("shrink_end_clause");
        break;
      case ")":
        adjustSpan("grow_end_clause");
        break;
      case "A":
        // Everything still a candidate in this article is right: confirm it all at once.
        if (!document.getElementById("confirm-remaining-form")) sayInfo("No candidates are left to confirm in this article.");
        submitForm("confirm-remaining-form");
        break;
      case "t":
        caretStart(false);
        break;
      case "a":
        caretStart(true);
        break;
      case "u":
        submitForm("undo-form");
        break;
      case "n":
        submitForm("next-article-form");
        break;
      case "N":
        // Done with the article: confirm what is left (as A) and open the next one, in
        // one request (views/review_queue.article_next); with nothing left, as n.
        submitForm(document.getElementById("confirm-and-next-form") ? "confirm-and-next-form" : "next-article-form");
        break;
      case "C":
        submitForm("claim-form");
        break;
      case "R":
        submitForm("release-form");
        break;
    }
  }

  const EDITOR_KEYS = new Set(["Enter", "c", "x", "s", "p", "P", "1", "2", "3", "M", "[", "]", "{", "}", "<", ">", "(", ")", "t", "a", "A", "N", "u", "n", "C", "R"]);

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
    if (goTo !== null && goToKey(event)) {
      event.preventDefault();
      return;
    }
    if (caret.active && caretKey(event)) {
      event.preventDefault();
      return;
    }
    if (selection && selectionKey(event)) {
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
    if (event.key === "?") {
      if (help) help.showModal();
      event.preventDefault();
      return;
    }
    if (event.key === "Enter" && !onRowOrPage) return; // Enter on a focused button clicks it
    if (event.key === "g" && rows().length) {
      // Go to a quote by the number on its card: the editor reads the cards, fixes the
      // ones that need it (going straight to each) and confirms the rest with A.
      goTo = "";
      sayInfo("Go to quote: type its number (Enter ends it, Esc cancels).");
      event.preventDefault();
      return;
    }
    if (!(event.key === "j" || event.key === "k" || (canEdit && EDITOR_KEYS.has(event.key)))) return;
    event.preventDefault();
    runOrQueue({ key: event.key });
  });

  // ---- text caret: marking a span from the keyboard ------------------------------------

  // The caret moves over stops computed from the article text (ends of sentences,
  // clauses and words); Space marks the start, a second Space the end, and the marked
  // text becomes the selection, as if dragged with the mouse.
  const caret = { active: false, at: 0, mark: null, forAdd: false, proposed: false };
  const caretHelp = document.getElementById("caret-help");
  const articleText = () => textEl.textContent;

  // Stops are where units start (the end of a marked span is the start of the unit after
  // it, and the spaces between are trimmed away, as for a mouse selection); a word whose
  // marks follow it ('spring,"') also stops after the word, before the marks.
  const QUOTE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb';
  function stops(kind) {
    const text = articleText();
    const found = new Set([0, text.length]);
    const patterns = {
      word: /\S+/g,
      clause: /[^\s,;:\u2013\u2014.!?][^,;:\u2013\u2014.!?\n]*/g,
      sentence: /[^\s.!?]([^.!?\n]|[.!?](?=\S))*/g,
    };
    if (kind === "quote") {
      // Before an opening quotation mark, after a closing one: a quoted passage is two
      // presses of ". A mark after a space or a bracket opens; any other closes.
      for (let i = 0; i < text.length; i++) {
        if (!QUOTE_MARKS.includes(text[i])) continue;
        found.add(i === 0 || /[\s(\[]/.test(text[i - 1]) ? i : i + 1);
      }
      return Array.from(found).sort((a, b) => a - b);
    }
    let m;
    const re = patterns[kind];
    while ((m = re.exec(text)) !== null) {
      found.add(m.index);
      if (kind === "word") {
        const core = m[0].replace(/[^\p{L}\p{N}]+$/u, "").length;
        if (core && core < m[0].length) found.add(m.index + core);
      }
    }
    return Array.from(found).sort((a, b) => a - b);
  }

  function nodeAt(offset) {
    const pieces = textEl.children;
    for (let i = pieces.length - 1; i >= 0; i--) {
      const start = Number(pieces[i].dataset.offset);
      if (start <= offset) {
        const node = pieces[i].firstChild || pieces[i];
        return { node: node, offset: Math.min(offset - start, node.textContent.length) };
      }
    }
    return { node: textEl, offset: 0 };
  }

  function drawCaret() {
    const text = articleText();
    let from = caret.mark !== null ? Math.min(caret.mark, caret.at) : caret.at;
    let to = caret.mark !== null ? Math.max(caret.mark, caret.at) : caret.at;
    if (from === to) {
      // Nothing marked yet: show the word after the caret, so the caret can be seen.
      const next = stops("word").find((s) => s > caret.at);
      to = next === undefined ? text.length : next;
      if (from === to && from > 0) from -= 1;
    }
    const a = nodeAt(from);
    const b = nodeAt(to);
    const range = document.createRange();
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    const rect = range.getBoundingClientRect();
    if (rect.top < 0 || rect.bottom > window.innerHeight) a.node.parentElement.scrollIntoView({ block: "center" });
  }

  function caretStart(forAdd) {
    const row = currentId && rowOf(currentId);
    const segs = row ? segmentsOf(currentId) : [];
    let at = 0;
    if (segs.length) {
      const first = Number(segs[0].dataset.offset);
      const last = segs[segs.length - 1];
      at = forAdd ? Number(last.dataset.offset) + last.textContent.length : first;
    }
    if (forAdd) {
      // After the current quote, at the start of the next sentence: where a missed quote
      // most often is.
      const next = stops("sentence").find((s) => s > at);
      at = next === undefined ? at : next;
      const text = articleText();
      while (at < text.length && /\s/.test(text[at])) at++;
    }
    Object.assign(caret, { active: true, at: at, mark: null, forAdd: forAdd, proposed: false });
    if (caretHelp) caretHelp.hidden = false;
    drawCaret();
    if (forAdd && uncoveredPassages().length) {
      // The usual missed quote is the next passage no quote covers: a marks it at once
      // (as Tab would), so a again adds it. The caret stays where a put it: an arrow,
      // Space, . or , drops the passage and marks from there instead.
      markProposal(1, at);
      if (!selection) return;
      Object.assign(caret, { active: true, at: at, mark: null, forAdd: true, proposed: true });
      if (caretHelp) caretHelp.hidden = false;
      sayInfo("Marked the next passage no quote covers. a: add it as a new quote, p: add it by the speaker before, Tab / Shift+Tab: the next / previous one, arrows: the text caret instead, Enter: span of the current quote.");
    }
  }

  function caretStop() {
    caret.active = false;
    caret.proposed = false;
    caret.mark = null;
    if (caretHelp) caretHelp.hidden = true;
  }

  function finishMark() {
    const forAdd = caret.forAdd;
    caretStop();
    captureSelection();
    if (selection) sayInfo(forAdd ? "Marked. a: add as a new quote, p: add it by the speaker before, Enter: span of the current quote, m: speaker mention." : "Marked. Enter: span of the current quote, m: speaker mention, a: add as a new quote.");
  }

  // Where clauses (or sentences) end, as segments.clause_ends finds them: before a run of
  // , ; : – — . ! ? followed by a space, or after the closing quotation marks after it;
  // at a paragraph's end.
  function clauseEnds(sentencesOnly) {
    const text = articleText();
    const found = new Set();
    const re = /([,;:.!?\u2013\u2014]+)(["\u201d\u2019\u00bb]*)(?=\s|$)|\n/g;
    const paragraphEnd = (at) => {
      const before = text.slice(0, at).trimEnd();
      if (before && !",;:.!?\u2013\u2014".includes(before[before.length - 1])) found.add(before.length);
    };
    let m;
    while ((m = re.exec(text)) !== null) {
      if (m[0] === "\n") {
        paragraphEnd(m.index);
        continue;
      }
      if (sentencesOnly && !/[.!?]/.test(m[1])) continue;
      if (m[2]) found.add(m.index + m[0].length);
      else if (m.index > 0 && !/\s/.test(text[m.index - 1])) found.add(m.index);
    }
    paragraphEnd(text.length);
    return Array.from(found).filter((s) => s > 0).sort((a, b) => a - b);
  }

  const CARET_MOVES = ["ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp", '"', "Home", "End", " ", ".", ","];
  function caretKey(event) {
    if (caret.proposed) {
      // A passage marked by a: a, Tab, Enter, m and Esc act on it; a caret key drops it
      // and moves the caret from where a put it; anything else does nothing.
      if (["a", "p", "Tab", "Enter", "m", "Escape"].includes(event.key)) {
        caretStop();
        return selection ? selectionKey(event) : true;
      }
      if (!CARET_MOVES.includes(event.key)) return event.key.length === 1;
      caret.proposed = false;
      clearSelection();
    }
    const kind = event.shiftKey ? "clause" : "word";
    const step = (list, forward) =>
      forward ? list.find((s) => s > caret.at) : list.slice().reverse().find((s) => s < caret.at);
    let to;
    switch (event.key) {
      case "ArrowRight":
        to = step(stops(kind), true);
        break;
      case "ArrowLeft":
        to = step(stops(kind), false);
        break;
      case "ArrowDown":
        to = step(stops("sentence"), true);
        break;
      case "ArrowUp":
        to = step(stops("sentence"), false);
        break;
      case '"':
        to = step(stops("quote"), true);
        break;
      case "Tab":
        markProposal(event.shiftKey ? -1 : 1, caret.at);
        return true;
      case "Home":
      case "End": {
        // The current quote's own start or end: one key when only the other end moves.
        const segs = currentId ? segmentsOf(currentId) : [];
        if (!segs.length) return true;
        const last = segs[segs.length - 1];
        to = event.key === "Home" ? Number(segs[0].dataset.offset) : Number(last.dataset.offset) + last.textContent.length;
        break;
      }
      case " ":
        if (caret.mark === null) {
          caret.mark = caret.at;
          const next = stops("word").find((s) => s > caret.at);
          if (next !== undefined) caret.at = next;
          drawCaret();
        } else {
          finishMark();
        }
        return true;
      case ".":
      case ",": {
        // Mark from the caret (or the start already marked) to the end of the sentence
        // (.) or clause (,) the caret is in: the whole mark in one key.
        const end = clauseEnds(event.key === ".").find((s) => s > caret.at);
        if (end === undefined) return true;
        if (caret.mark === null) caret.mark = caret.at;
        caret.at = end;
        drawCaret();
        finishMark();
        return true;
      }
      case "Escape":
        caretStop();
        window.getSelection().removeAllRanges();
        clearSelection();
        return true;
      default:
        return event.key.length === 1; // letters do nothing while the caret is out
    }
    if (to !== undefined) {
      caret.at = to;
      drawCaret();
    }
    return true;
  }

  // Passages no quote covers that look like speech: a quoted passage (from an opening
  // quotation mark to its closing one), or what follows a reporting verb (the engine's
  // lexicon, in the page as #speech-verbs) to the end of its sentence. Tab in the caret
  // marks the next one, Shift+Tab the one before: a missed quote in one key, most often.
  // Covered means touching a quote, its mention or its cue.
  // annotations/passages.py uncovered_passages() is the same rule in Python (the scripted
  // editor counts keys with it): change both.
  const speechVerbsEl = document.getElementById("speech-verbs");
  const speechVerbs = speechVerbsEl ? JSON.parse(speechVerbsEl.textContent) : { forms: [], that_only: [] };
  const SPEECH_VERBS = new Set(speechVerbs.forms);
  const THAT_ONLY_VERBS = new Set(speechVerbs.that_only); // "continued Below" is no speech
  function coveredSpans() {
    // Mentions and cues too: what follows "said" in '"…," said Ines Alvarez' is no quote.
    return Array.from(textEl.querySelectorAll("[data-owner]")).map((piece) => {
      const start = Number(piece.dataset.offset);
      return [start, start + piece.textContent.length];
    });
  }
  function uncoveredPassages() {
    const text = articleText();
    const found = [];
    for (let i = 0; i < text.length; i++) {
      if (!QUOTE_MARKS.includes(text[i]) || !(i === 0 || /[\s(\[\u2013\u2014]/.test(text[i - 1]))) continue;
      for (let j = i + 1; j < text.length; j++) {
        if (text[j] === "\n") break;
        if (QUOTE_MARKS.includes(text[j]) && (j + 1 === text.length || !/[\p{L}\p{N}]/u.test(text[j + 1]))) {
          found.push([i, j + 1]);
          break;
        }
      }
    }
    const ends = clauseEnds(true);
    const words = /\S+/g;
    let m;
    while ((m = words.exec(text)) !== null) {
      if (!SPEECH_VERBS.has(m[0].toLowerCase())) continue; // "said," or "said." ends there
      const next = /\S/g;
      next.lastIndex = m.index + m[0].length;
      const after = next.exec(text);
      if (!after || text.slice(m.index + m[0].length, after.index).includes("\n")) continue;
      if (THAT_ONLY_VERBS.has(m[0].toLowerCase()) && text.slice(after.index).split(/\s/, 1)[0].toLowerCase() !== "that") continue;
      const end = ends.find((e) => e > after.index);
      if (end !== undefined) found.push([after.index, end]);
    }
    found.push(...reportedAroundClauses(text));
    const covered = coveredSpans();
    const seen = new Set();
    return found
      .filter(([s, e]) => !covered.some(([a, b]) => a < e && s < b))
      .filter(([s, e]) => !seen.has(s + ":" + e) && seen.add(s + ":" + e))
      .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  }
  // What a short reporting clause leaves of its sentence: the part before it, from the
  // sentence's start, and the part after it, to the sentence's end (unquoted speech is
  // often reported so). A reporting clause has at most five words and starts or ends with
  // a reporting verb (not one that reports only with "that"), or starts with "according
  // to": ", argued Ann Rowe.", ", researchers say.", "According to the county,"; ", the
  // city added five buses," is none. annotations/passages.py reported_around_clauses() is
  // the same rule in Python.
  const REPORTING_CLAUSE_WORDS = 5;
  const CLAUSE_GAP = /[\s,;:.!?\u2013\u2014"\u201d\u2019\u00bb]*/y; // sticky: matches at lastIndex
  function reportedAroundClauses(text) {
    const gap = (at) => {
      CLAUSE_GAP.lastIndex = at;
      CLAUSE_GAP.exec(text);
      return CLAUSE_GAP.lastIndex;
    };
    const found = [];
    const clauseEndsAll = clauseEnds(false);
    let sentenceStart = 0;
    for (const sentenceEnd of clauseEnds(true)) {
      const clauses = [];
      let at = gap(sentenceStart);
      for (const end of clauseEndsAll) {
        if (at < end && end <= sentenceEnd) {
          clauses.push([at, end]);
          at = gap(end);
        }
      }
      clauses.forEach(([start, end], i) => {
        const words = text.slice(start, end).split(/\s+/).filter(Boolean).map((w) => w.toLowerCase());
        if (!words.length || words.length > REPORTING_CLAUSE_WORDS) return;
        const reporting =
          [words[0], words[words.length - 1]].some((w) => SPEECH_VERBS.has(w) && !THAT_ONLY_VERBS.has(w)) ||
          (words[0] === "according" && words[1] === "to");
        if (!reporting) return;
        if (i > 0) found.push([clauses[0][0], clauses[i - 1][1]]);
        if (i < clauses.length - 1) found.push([clauses[i + 1][0], clauses[clauses.length - 1][1]]);
      });
      sentenceStart = sentenceEnd;
    }
    return found;
  }

  // From the caret (a number): the first passage at or after it, or (Shift+Tab) the
  // last before it; from a passage marked (a [start, end] pair): the next or the previous
  // one. Going round at the text's ends.
  function markProposal(direction, from) {
    const passages = uncoveredPassages();
    if (!passages.length) {
      sayInfo("Every quoted passage and reported clause is in a quote already.");
      return;
    }
    const after = ([s, e]) => (typeof from === "number" ? s >= from : s > from[0] || (s === from[0] && e > from[1]));
    const before = ([s, e]) => (typeof from === "number" ? s < from : s < from[0] || (s === from[0] && e < from[1]));
    let target;
    if (direction > 0) target = passages.find(after) || passages[0];
    else target = passages.slice().reverse().find(before) || passages[passages.length - 1];
    const forAdd = caret.active ? caret.forAdd : true;
    Object.assign(caret, { active: true, at: target[1], mark: target[0], forAdd: forAdd });
    drawCaret();
    finishMark();
    if (!selection) return;
    selection.proposal = target;
    sayInfo("Marked. a: add as a new quote, p: add it by the speaker before, Tab / Shift+Tab: the next / previous passage no quote covers, Enter: span of the current quote, m: speaker mention.");
  }

  // With a selection (mouse or caret): Enter sets the current quote's span, m the
  // speaker mention, a adds a new quote, Escape drops it; after Tab, Tab and Shift+Tab
  // mark the next and the previous passage.
  function selectionKey(event) {
    const target = event.target;
    if (target.closest && target.closest("input, select, textarea, dialog")) return false;
    switch (event.key) {
      case "Tab":
        if (!selection.proposal) return false; // otherwise Tab moves the focus, as ever
        markProposal(event.shiftKey ? -1 : 1, selection.proposal);
        return true;
      case "Enter":
        document.getElementById("selection-span").click();
        return true;
      case "m":
        document.getElementById("selection-mention").click();
        return true;
      case "a":
        document.getElementById("selection-add").click();
        return true;
      case "p":
        document.getElementById("selection-add-previous").click();
        return true;
      case "Escape":
        window.getSelection().removeAllRanges();
        clearSelection();
        return true;
    }
    return false;
  }

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
  // Focus (Tab) only shows which quote a button belongs to: it does not change the
  // current quote, so the next key still acts on the one the editor chose.
  list.addEventListener("focusin", (e) => link(rowIds(e), true));
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
  function clearSelection() {
    selection = null;
    updateSelectionBar();
  }
  textEl.addEventListener("mouseup", () => setTimeout(captureSelection, 0));
  textEl.addEventListener("keyup", () => {
    if (!caret.active) captureSelection();
  });
  document.addEventListener("selectionchange", () => {
    const sel = window.getSelection();
    if (caret.active) return;
    if (sel && sel.isCollapsed && bar && !bar.contains(document.activeElement)) {
      // keep the last selection for the bar's buttons; hide the bar when nothing is selected
      if (!textEl.contains(sel.anchorNode)) return;
      selection = null;
      updateSelectionBar();
    }
  });

  // A selection is used once: after it set a span or a mention, or started a new quote,
  // the bar goes, so it can never move another quote onto the same words.
  function useSelectionIn(row, formSelector) {
    if (!selection || !row) return;
    const form = row.querySelector(formSelector);
    form.querySelector('input[name="start"]').value = selection.start;
    form.querySelector('input[name="end"]').value = selection.end;
    window.getSelection().removeAllRanges();
    clearSelection();
    form.requestSubmit();
  }
  const setSpanOf = (row) => useSelectionIn(row, ".span-form");

  if (canEdit && bar) {
    document.getElementById("selection-span").addEventListener("click", () => setSpanOf(currentId && rowOf(currentId)));
    document.getElementById("selection-mention").addEventListener("click", () => useSelectionIn(currentId && rowOf(currentId), ".mention-form"));
    document.getElementById("selection-add").addEventListener("click", () => {
      if (!selection) return;
      document.getElementById("add-start").value = selection.start;
      document.getElementById("add-end").value = selection.end;
      document.getElementById("add-quote-preview").textContent = selection.text;
      window.getSelection().removeAllRanges();
      clearSelection();
      const details = document.getElementById("add-quote");
      details.open = true;
      details.scrollIntoView({ block: "nearest" });
      details.querySelector(".speaker-input").focus();
    });
    // p: add it by the speaker the add form offers first (the nearest quote before it's,
    // as p on a card takes the previous speaker): one key for a, Enter.
    document.getElementById("selection-add-previous").addEventListener("click", () => {
      if (!selection) return;
      const input = document.getElementById("speaker-name-add");
      input.value = "";
      input.closest(".speaker-field").querySelector('input[name="speaker"]').value = "";
      document.getElementById("selection-add").click();
      pendingEnter = input; // the offers are asked for on focus: the first is taken
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
    if (form.classList.contains("speaker-form")) advanceAfterSwap = true; // decided: move on
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
    // The suggestions shown are for what was typed before, until the new ones arrive.
    field.querySelector(".suggestions").classList.add("stale");
  });

  document.body.addEventListener("htmx:afterSwap", (e) => {
    const box = e.detail.target;
    if (!box.classList || !box.classList.contains("suggestions")) return;
    const input = box.closest(".speaker-field").querySelector(".speaker-input");
    // An answer for what the field held before (the request sent on focus, arriving after
    // the editor typed) is not what Enter may take: it stays stale until its own comes.
    const answered = box.querySelector("[data-term]");
    const typed = input.value.trim().split(/\s+/).join(" ");
    if ((answered ? answered.dataset.term : "") !== typed) return;
    box.classList.remove("stale");
    const first = box.querySelector(".suggestion");
    input.setAttribute("aria-expanded", first ? "true" : "false");
    // The server chose what Enter takes (an exact name, else "Create new speaker").
    const chosen = box.querySelector('.suggestion[aria-selected="true"]');
    if (chosen) {
      chosen.id = chosen.id || "suggestion-" + Math.random().toString(36).slice(2);
      input.setAttribute("aria-activedescendant", chosen.id);
    }
    if (pendingEnter === input) {
      // Enter was pressed before the suggestions came: take the chosen one now.
      pendingEnter = null;
      const option = chosen || (input.value.trim() ? null : first);
      if (option) pick(option);
    }
  });
  let pendingEnter = null;

  review.addEventListener("keydown", (e) => {
    const input = e.target;
    if (!input.classList || !input.classList.contains("speaker-input")) return;
    const field = input.closest(".speaker-field");
    const opts = options(field);
    if (e.key === "Enter" && (!opts.length || field.querySelector(".suggestions.stale"))) {
      // The suggestions for what was typed are not here yet: wait for them rather than
      // send a name the server cannot resolve.
      e.preventDefault();
      if (input.value.trim()) pendingEnter = input;
      return;
    }
    if (!opts.length) return;
    let index = opts.findIndex((o) => o.getAttribute("aria-selected") === "true");
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      index = (index + (e.key === "ArrowDown" ? 1 : -1) + opts.length) % opts.length;
      opts.forEach((o, i) => o.setAttribute("aria-selected", i === index ? "true" : "false"));
      opts[index].id = opts[index].id || "suggestion-" + Math.random().toString(36).slice(2);
      input.setAttribute("aria-activedescendant", opts[index].id);
      e.preventDefault();
    } else if (e.key === "Enter" && e.shiftKey) {
      e.preventDefault();
      const create = field.querySelector(".suggestion-new");
      if (create) pick(create);
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (index >= 0) pick(opts[index]);
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
    if (first) select(first.dataset.quote, { scroll: false, remember: false });
  }
})();
