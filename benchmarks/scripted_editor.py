"""A scripted careful editor: what reviewing unseen news to a correct attribution set costs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsquotes \\
        .venv/bin/python benchmarks/scripted_editor.py [--articles N]

Over the held-aside ggt_dev articles (annotations/extraction/splits.py: never tuned on),
read from ../shared (skipped cleanly without it): each article is imported without its
gold quotes into a throw-away database, the engine extracts candidates, and the editor
takes each candidate in page order to its gold decision through the review page's own
endpoints (the requests its keys send), counting the keys the page needs for it. It
follows the current card as review.js moves it (PageState), so every key that moves the
caret or the card is counted from where the page really is:

* it reads the cards in order and goes to each one that needs work: ``c`` on each right
  card on the way (``j`` past one with no speaker: ``c`` would ask again), or ``g`` and
  the card's number, whichever is fewer keys (the key acting on the card ends a number a
  longer one could start with; only a digit, ``1``-``3``, needs ``Enter`` before it);
  the right cards left behind are confirmed at the end by ``N``, with the next article;
* a candidate with no gold quote: ``x``;
* a wrong speaker: ``p`` (previous speaker) or ``1``-``3`` (the card's alternatives) when
  they hold the right person, else ``s`` and the fewest typed characters of the name or
  surname after which the autocomplete's pre-selected option is the right one (asking
  the server after each character, as the page does), ``↓`` to reach it, ``Enter``
  (``Shift+Enter`` creates a person nobody has yet);
* a span off the gold one (covering under 80% of it, or over twice as long): the word
  and clause steps ``[ ] { } < > ( )`` when they reach it, else the text caret (``t``,
  arrows, Space, arrows, Space or ``.`` / ``,``, Enter), whichever takes fewer keys; a
  span change stays on its card, so moving on is the next card's ``c``, ``j`` or ``g``;
* a gold quote no candidate found, on the way to the first card after it that needs
  work (the rest after the candidates), in text order: ``a`` (the caret
  at the next sentence after the current card, or after a card gone to first with ``g``;
  it marks the first uncovered passage from there at once, review.js uncoveredPassages,
  annotations/passages.py), then ``Tab`` / ``Shift+Tab`` to the right passage and span
  steps on the quote added, or arrows, Space, arrows, Space (or ``.`` / ``,``: the first
  of them drops the passage marked and moves the caret from where ``a`` put it); then
  ``p`` when the add form's first offer (the nearest quote before's speaker) is right,
  else ``a`` and the speaker from the add form's offers or typed, ``Enter``;
* ``N`` (the candidates left confirmed, as ``A``, and the next article) or ``n`` when
  none is left: the only page load.

``--without-confirm-and-next`` ends each article with ``A`` (or ``c`` when the only
candidate left is current) before the last missed quotes, and ``n``, as before ``N``.
``--enter-after-numbers`` counts ``Enter`` after every such number, as the page had it
before the acting key ended it. ``--add-after-candidates`` adds every missed quote after
the candidates, as the editor did before. ``--without-g-and-tab`` counts the same editor
on the page as it was before ``g`` and ``Tab`` (cards reached by ``c`` / ``j`` / ``k``
only), for comparison.

No key is pressed by a mouse: mouse actions are 0 by construction. Then the reviewed
quotes are scored against gold with ../shared/eval/score.py (quote and attributed F1 at
its thresholds), and speaker mentions after a speaker correction are counted as kept
or set. This drives the endpoints, not Chromium: the browser tests cover the keys
(tests/browser/test_review_keyboard.py, test_review_fewer_keys.py). It prints the keys
spent by kind of decision. ``--split tuned`` runs it on the other ggt_dev articles, the
ones to look at errors on.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "data" / "ggt_dev.jsonl"
SCORE = SHARED / "eval" / "score.py"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsquotes.settings")
os.environ.setdefault("TEST_DATABASE_NAME", "nq_bench_editor")

WORD = re.compile(r"\S+")
SENTENCE = re.compile(r"[^\s.!?]([^.!?\n]|[.!?](?=\S))*")
TRAILING_MARKS = re.compile(r"[\W_]+$")
HTMX = {"HTTP_HX_REQUEST": "true"}


def word_stops(text: str) -> list[int]:
    """The text caret's word stops (review.js stops("word")): word starts, and after a
    word before its trailing marks."""
    found = {0, len(text)}
    for m in WORD.finditer(text):
        found.add(m.start())
        core = len(TRAILING_MARKS.sub("", m.group()))
        if 0 < core < len(m.group()):
            found.add(m.start() + core)
    return sorted(found)


def sentence_stops(text: str) -> list[int]:
    return sorted({0, len(text), *(m.start() for m in SENTENCE.finditer(text))})


CLAUSE = re.compile(r"[^\s,;:\u2013\u2014.!?][^,;:\u2013\u2014.!?\n]*")


def clause_stops(text: str) -> list[int]:
    return sorted({0, len(text), *(m.start() for m in CLAUSE.finditer(text))})


QUOTE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb'


def quote_stops(text: str) -> list[int]:
    """Before an opening quotation mark, after a closing one (review.js stops("quote"))."""
    found = {len(text)}
    for i, char in enumerate(text):
        if char in QUOTE_MARKS:
            found.add(i if i == 0 or text[i - 1].isspace() or text[i - 1] in "([" else i + 1)
    return sorted(found)


def caret_moves(text: str, start: int, target: int, extra=()) -> int:
    """Fewest arrow presses taking the caret from ``start`` to ``target`` (a stop): each
    press goes to the next or previous word (← →), clause (Shift+← →) or sentence (↑ ↓)
    stop, as review.js moves it; ``extra`` are positions one key reaches (Home, End)."""
    import bisect
    from collections import deque

    lists = [word_stops(text), clause_stops(text), sentence_stops(text)]
    quotes = quote_stops(text)  # '"' moves forward only
    if start == target:
        return 0
    if target in extra:
        return 1
    seen, queue = {start: 0}, deque([start])
    while queue:
        at = queue.popleft()
        for stops in lists:
            i = bisect.bisect_right(stops, at)
            j = bisect.bisect_left(stops, at) - 1
            for nxt in (stops[i] if i < len(stops) else None, stops[j] if j >= 0 else None):
                if nxt is None or nxt in seen:
                    continue
                seen[nxt] = seen[at] + 1
                if nxt == target:
                    return seen[nxt]
                queue.append(nxt)
        i = bisect.bisect_right(quotes, at)
        if i < len(quotes) and quotes[i] not in seen:
            seen[quotes[i]] = seen[at] + 1
            if quotes[i] == target:
                return seen[quotes[i]]
            queue.append(quotes[i])
    return 10**6


def reachable_span(text: str, gs: int, ge: int) -> tuple[int, int]:
    """The span the caret can mark for gold [gs, ge): its start is the word stop at or
    just before gs; its end the stop at or after ge, less the spaces the page trims."""
    stops = sorted({*word_stops(text), *quote_stops(text)})
    start = max(s for s in stops if s <= gs)
    end_stop = end_stop_for(text, ge)
    end = end_stop - (len(text[start:end_stop]) - len(text[start:end_stop].rstrip()))
    return start, max(end, start + 1)


def end_stop_for(text: str, end: int) -> int:
    """Where the caret must stand for a marked span to end at ``end`` or just after it
    (the selection is trimmed of spaces)."""
    stops = sorted({*word_stops(text), *quote_stops(text)})
    for s in stops:
        if s >= end and not text[end:s].strip():
            return s
    return next((s for s in stops if s >= end), len(text))


class PageState:
    """Which card is current on the review page, as review.js moves it: what ``c``, ``j``,
    ``g`` and an add's caret start from. Rows are all the article's quotes in page order."""

    def __init__(self, article):
        self.article = article
        rows = self.rows()
        first = next((q for q in rows if q.status == "candidate"), rows[0] if rows else None)
        self.current = first.pk if first else None
        self.enter_after_numbers = False

    def rows(self):
        from annotations.models import Quote

        return list(
            Quote.objects.filter(article=self.article)
            .select_related("speaker")
            .order_by("start", "end", "pk")
        )

    def next_row(self, pk, rows=None):
        """j: the next row (the last stays)."""
        rows = rows or self.rows()
        index = [q.pk for q in rows].index(pk)
        return rows[min(len(rows) - 1, index + 1)].pk

    @staticmethod
    def _next_candidate(rows, pk, status):
        """review.js nextCandidateAfter: the next candidate after it, going round."""
        ids = [q.pk for q in rows]
        index = ids.index(pk)
        after = rows[index + 1 :] + rows[: index + 1]
        found = next((q.pk for q in after if status[q.pk] == "candidate"), None)
        if found is not None:
            return found
        return ids[index + 1] if index + 1 < len(ids) else pk

    def after_advance(self, pk):
        """After c, x, p, 1-3 or a speaker picked: on to the next candidate."""
        rows = self.rows()
        self.current = self._next_candidate(rows, pk, {q.pk: q.status for q in rows})

    def walk_keys(self, target):
        """The keys from the current card to ``target`` one card at a time: c on a right
        candidate (it is confirmed, and the next candidate comes), j on any other card (a
        card with no speaker too: c would ask again). None if that never gets there."""
        rows = self.rows()
        status = {q.pk: q.status for q in rows}
        by_pk = {q.pk: q for q in rows}
        at, presses = self.current, []
        while at != target:
            if len(presses) > len(rows):
                return None
            quote = by_pk[at]
            if status[at] == "candidate" and quote.speaker_id and at in self.right:
                presses.append(("c", at))
                status[at] = "confirmed"
                nxt = self._next_candidate(rows, at, status)
            else:
                presses.append(("j", at))
                nxt = self.next_row(at, rows)
            if nxt == at:
                return None
            at = nxt
        return len(presses), presses

    def go_keys(self, target, *, by_number: bool) -> int:
        """The keys to make ``target`` current: g and its number, or j / k."""
        if by_number:
            return self.jump_keys(target)
        ids = [q.pk for q in self.rows()]
        return abs(ids.index(target) - ids.index(self.current))

    def number_could_go_on(self, target) -> bool:
        """Whether a longer card number starts with ``target``'s (card 1 of 12)."""
        rows = self.rows()
        return ([q.pk for q in rows].index(target) + 1) * 10 <= len(rows)

    def jump_keys(self, target) -> int:
        """g and the card's number: the key acting on the card ends a number that could go
        on (review.js goToKey), so Enter only when the page had it before
        (``enter_after_numbers``); a digit acting next (1-3) adds it (see run)."""
        rows = self.rows()
        number = [q.pk for q in rows].index(target) + 1
        enter = self.enter_after_numbers and self.number_could_go_on(target)
        return 1 + len(str(number)) + (1 if enter else 0)

    def previous_speaker(self, quote):
        """The card's "previous speaker" offer (review_rows.decorate_quotes)."""
        previous = None
        for row in self.rows():
            if row.pk == quote.pk:
                break
            if row.speaker_id and row.status != "rejected":
                previous = row.speaker
        return previous if previous is not None and previous.pk != quote.speaker_id else None

    def covered(self) -> list[tuple[int, int]]:
        """The highlighted pieces: quotes, mentions and cues of the quotes not rejected."""
        length = len(self.article.text)
        spans = []
        for q in self.rows():
            if q.status == "rejected":
                continue
            for start, end in (
                (q.start, q.end),
                (q.speaker_start, q.speaker_end),
                (q.cue_start, q.cue_end),
            ):
                if start is not None and end is not None and start < end:
                    spans.append((max(0, start), min(length, end)))
        return spans

    def add_caret(self, card=None) -> int:
        """Where ``a`` puts the caret: the start of the next sentence after the current
        quote's (or ``card``'s) last highlighted piece (its mention or cue may follow it)."""
        text = self.article.text
        card = self.current if card is None else card
        quote = next((q for q in self.rows() if q.pk == card), None)
        at = highlight_bounds(quote)[1] if quote and quote.status != "rejected" else 0
        at = next((s for s in sentence_stops(text) if s > at), at)
        while at < len(text) and text[at].isspace():
            at += 1
        return at


def _add_keys(segments, text, caret, span, passages, gs, ge):
    """The fewest keys marking a missed quote from ``caret``: (keys, by the caret's moves,
    the span they mark, (Tabs, span steps after, the passage, the span fixed) or None)."""
    from annotations.models import Quote

    by_caret, caret_span = mark_keys(text, caret, span)
    by_tab = None
    for index, passage in enumerate(passages):
        if coverage_of((gs, ge), passage) <= 0.3:
            continue
        tabs = tab_presses(passages, caret, index)
        fix, fixed = 0, passage
        if coverage_of((gs, ge), passage) < 0.8 or passage[1] - passage[0] > 2 * (ge - gs):
            fix, fixed = _span_fix(segments, text, Quote(start=passage[0], end=passage[1]), gs, ge)
        if by_tab is None or tabs + fix < by_tab[0] + by_tab[1]:
            by_tab = (tabs, fix, passage, fixed)
    cost = by_caret if by_tab is None else min(by_caret, by_tab[0] + by_tab[1])
    return cost, by_caret, caret_span, by_tab


def coverage_of(gold_span, span) -> float:
    """score.py's coverage: the share of the gold span the span covers."""
    overlap = max(0, min(gold_span[1], span[1]) - max(gold_span[0], span[0]))
    return overlap / max(1, gold_span[1] - gold_span[0])


def highlight_bounds(quote) -> tuple[int, int]:
    """Where the quote's highlighted pieces (its span, mention and cue) start and end:
    review.js's caret start (t) and its Home and End."""
    spans = [(quote.start, quote.end)]
    for start, end in ((quote.speaker_start, quote.speaker_end), (quote.cue_start, quote.cue_end)):
        if start is not None and end is not None and start < end:
            spans.append((start, end))
    return min(s for s, _ in spans), max(e for _, e in spans)


def tab_presses(passages, caret: int, index: int) -> int:
    """Tabs (or Shift+Tabs) after ``a`` to mark passages[index]: ``a`` itself marks the
    first passage at or after the caret (going round to the first), and each Tab the next
    passage, each Shift+Tab the previous one, going round (review.js caretStart and
    markProposal)."""
    n = len(passages)
    first = next((i for i, (s, _) in enumerate(passages) if s >= caret), 0)
    return min((index - first) % n, (first - index) % n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=0, help="At most this many (0: all).")
    parser.add_argument(
        "--split",
        choices=["held-aside", "tuned"],
        default="held-aside",
        help="The held-aside articles (the measure), or the tuned part (to look at errors).",
    )
    parser.add_argument(
        "--without-g-and-tab",
        action="store_true",
        help="Count the keys as the page had them before g (go to a card) and Tab (mark "
        "an uncovered passage): the same editor, for comparison.",
    )
    parser.add_argument(
        "--enter-after-numbers",
        action="store_true",
        help="Count Enter after every card number a longer one could start with, as the "
        "page had it before the key acting on the card ended the number.",
    )
    parser.add_argument(
        "--without-confirm-and-next",
        action="store_true",
        help="End each article with A (or c) and n, as the page had it before N.",
    )
    parser.add_argument(
        "--add-after-candidates",
        action="store_true",
        help="Add the missed quotes after all the candidates (as the editor did before), "
        "not each on the way to the first card after it that needs work.",
    )
    args = parser.parse_args()
    if not GOLD.exists() or not SCORE.exists():
        print(f"skipped: {GOLD} or {SCORE} not found (the shared data folder is not here)")
        return
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args):
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from django.urls import reverse

    from annotations import passages as passages_module
    from annotations import segments, services
    from annotations.extraction.splits import is_held_aside
    from annotations.models import Article, Quote, Speaker
    from annotations.roles import EDITOR

    sys.path.insert(0, str(SCORE.parent))
    from score import coverage, names_match  # type: ignore[import-not-found]  # ../shared

    records = [json.loads(line) for line in GOLD.open(encoding="utf-8") if line.strip()]
    held = [r for r in records if is_held_aside(r["id"], "ggt_dev") == (args.split == "held-aside")]
    if args.articles:
        held = held[: args.articles]
    editor = User.objects.create_user("scripted-editor")
    editor.groups.add(Group.objects.get(name=EDITOR))
    client = Client()
    client.force_login(editor)

    keys, typed = Counter(), 0
    counts = Counter()
    by_decision, decisions = Counter(), Counter()  # keys spent per kind of decision

    def presses() -> int:
        return sum(v for k, v in keys.items() if k != "typed")

    def decided(kind: str, before: int) -> None:
        decisions[kind] += 1
        by_decision[kind] += presses() - before

    predictions = []
    machine = 0.0
    # The card g's number went to when a longer number could start with it and nothing
    # has ended the number yet (a digit key next would extend it, not pick a speaker).
    number_open = {"after": None}

    def post(name, pk, data):
        response = client.post(reverse(name, args=[pk]), data, **HTMX)
        if response.status_code != 200:
            counts["errors"] += 1
            print(f"  {name} {pk}: HTTP {response.status_code}: {response.content[:200]!r}")
        return response

    def choose_speaker(quote, gold_name, article_quotes, previous) -> tuple[str, dict]:
        """The keys for ``gold_name`` on ``quote``'s card, and the request they send."""
        nonlocal typed
        if previous is not None and names_match(gold_name, previous.name):
            keys["p"] += 1
            return "quote_speaker", {"speaker": previous.pk}
        for i, name in enumerate(_offers(quote, previous)[:3], 1):
            if names_match(gold_name, name):
                speaker = Speaker.objects.active().get(normalized_name=_key(name))
                if number_open["after"] == quote.pk:
                    keys["Enter"] += 1  # g's number could go on: a digit would extend it
                keys[str(i)] += 1
                return "quote_speaker", {"speaker": speaker.pk}
        keys["s"] += 1
        best = None
        for form in dict.fromkeys([gold_name, gold_name.split()[-1]]):
            for n in range(1, len(form) + 1):
                body = client.get(
                    reverse("speaker_suggest"),
                    {"speaker_name": form[:n], "quote": quote.pk},
                    **HTMX,
                ).content.decode()
                options = re.findall(
                    r'aria-selected="(\w+)"[^>]*?(?:data-speaker-id="(\d+)" '
                    r'data-speaker-name="([^"]*)"|data-new-speaker="([^"]*)")',
                    body,
                )
                right = [
                    i
                    for i, (_, _, name, _) in enumerate(options)
                    if name and names_match(gold_name, name)
                ]
                chosen = next((i for i, o in enumerate(options) if o[0] == "true"), None)
                if right and chosen is not None:
                    cost = n + abs(right[0] - chosen)
                    pick = ("quote_speaker", {"speaker": options[right[0]][1]})
                    if best is None or cost < best[0]:
                        best = (cost, n, abs(right[0] - chosen), pick)
                    if right[0] == chosen:
                        break
            else:
                if best is not None:
                    continue  # the person exists, only not pre-selected: no duplicate
                # Nobody by that name yet: type it all and create it (Shift+Enter).
                cost = len(gold_name)
                pick = ("quote_speaker", {"speaker_name": gold_name, "create": "1"})
                if best is None or cost < best[0]:
                    best = (cost, len(gold_name), 0, pick)
        assert best is not None  # the loop always leaves a way: a pick or a new person
        _, n, arrows, pick = best
        if os.environ.get("SCRIPTED_EDITOR_VERBOSE"):
            was = quote.speaker.name if quote.speaker_id else ""
            print(f"    speaker {was!r} -> {gold_name!r}: s, typed {n}, arrows {arrows} {pick[1]}")
        typed += n
        keys["typed"] += n
        keys["↓"] += arrows
        keys["Enter"] += 1
        return pick

    def confirm_the_rest(article, page) -> None:
        """A (or c on the only candidate left when it is current), before n."""
        left = Quote.objects.filter(article=article, status=Quote.Status.CANDIDATE)
        if not left.exists():
            return
        before = presses()
        n_left = left.count()
        only = left.select_related("speaker").first()
        if n_left == 1 and only is not None and only.pk == page.current and only.speaker_id:
            keys["c"] += 1
            post("quote_confirm", only.pk, {"version": only.version})
        else:
            keys["A"] += 1
            post("article_confirm_remaining", article.pk, {"expected": n_left})
        decisions["confirm"] += n_left - 1
        decided("confirm", before)

    for number, record in enumerate(held, 1):
        started = time.perf_counter()
        text = record["text"]
        article = Article.objects.create(
            title=f"Held-aside {record['id']}", outlet=record.get("outlet", ""), text=text
        )
        services.extract_articles(articles_or_ids=[article.pk], force=True)
        client.get(article.get_absolute_url())  # the page load of this article
        counts["page loads"] += 1
        gold = [
            q
            for q in record["quotes"]
            if q.get("quote_span") and q["quote_span"][1] > q["quote_span"][0]
        ]
        candidates = list(
            Quote.objects.filter(article=article)
            .select_related("speaker")
            .order_by("start", "end", "pk")
        )
        counts["candidates"] += len(candidates)
        counts["gold"] += len(gold)
        # Which gold quote each candidate is (score.py's greedy rule, threshold 0.3).
        match, taken = {}, set()
        for g_index, g in enumerate(gold):
            span = tuple(g["quote_span"])
            best = max(
                (c for c in candidates if c.pk not in taken),
                key=lambda c: coverage(span, (c.start, c.end)),
                default=None,
            )
            if best is not None and coverage(span, (best.start, best.end)) > 0.3:
                match[best.pk] = g_index
                taken.add(best.pk)
        page = PageState(article)
        page.enter_after_numbers = args.enter_after_numbers

        def needs_work(c, match=match, gold=gold) -> bool:
            g_index = match.get(c.pk)
            if g_index is None:
                return True
            gs, ge = gold[g_index]["quote_span"]
            name = gold[g_index].get("speaker_name") or ""
            return (
                coverage((gs, ge), (c.start, c.end)) < 0.8
                or (c.end - c.start) > 2 * (ge - gs)
                or bool(name and not (c.speaker_id and names_match(name, c.speaker.name)))
            )

        page.right = {c.pk for c in candidates if not needs_work(c)}

        def add_missed(g, text=text, article=article, page=page) -> None:
            """A gold quote no candidate found, added from the keyboard."""
            nonlocal typed
            gs, ge = g["quote_span"]
            counts["added"] += 1
            before_keys = presses()
            span = reachable_span(text, gs, ge)
            passages = (
                []
                if args.without_g_and_tab
                else passages_module.uncovered_passages(text, page.covered())
            )
            # The caret starts after the current card, or after the card gone to first
            # (g and its number), whichever makes the add the fewest keys.
            best = None
            for card, go in [(page.current, 0)] + [
                (q.pk, page.go_keys(q.pk, by_number=not args.without_g_and_tab))
                for q in page.rows()
                if q.pk != page.current
            ]:
                caret = page.add_caret(card)
                way = _add_keys(segments, text, caret, span, passages, gs, ge)
                if best is None or go + way[0] < best[0]:
                    best = (go + way[0], go, card, caret, way)
            assert best is not None  # the current card is always a way
            _, go, card, caret, (_, by_caret, caret_span, by_tab) = best
            if go and args.without_g_and_tab:
                keys["j/k"] += go
                page.current = card
            elif go:
                keys["g"] += 1
                keys["digits"] += go - 1
                page.current = card
            keys["a"] += 1  # a: the caret, and the first uncovered passage marked
            if by_tab is not None and by_tab[0] + by_tab[1] < by_caret:
                tabs, fix, span, fixed = by_tab
                keys["Tab"] += tabs
                keys["span"] += fix
            else:
                cost, span = by_caret, caret_span
                keys["caret"] += cost
                fix, fixed = 0, span
            if os.environ.get("SCRIPTED_EDITOR_VERBOSE"):
                how = f"go {go}, caret {by_caret}, tab {by_tab and by_tab[:2]}"
                print(f"  add ({how}) from {text[caret : caret + 30]!r}: {text[gs:ge]!r}")
            data = {"start": span[0], "end": span[1]}
            if not g.get("speaker_name"):
                keys["a"] += 1  # a: the add form
            if g.get("speaker_name"):
                _, picked = choose_speaker_for_add(
                    client, reverse, names_match, keys, g["speaker_name"], article.pk, span[0]
                )
                typed += picked.pop("_typed")
                data.update(picked)
            response = client.post(reverse("quote_add", args=[article.pk]), data, **HTMX)
            if response.status_code != 200:
                counts["errors"] += 1
                print(f"  add {gs}-{ge}: HTTP {response.status_code}")
            added = Quote.objects.filter(article=article, start=span[0], end=span[1]).latest("pk")
            page.current = added.pk
            if fixed != span:
                post(
                    "quote_span",
                    added.pk,
                    {"version": added.version, "start": fixed[0], "end": fixed[1]},
                )
            decided("added quote", before_keys)

        added_on_the_way: set[int] = set()
        # The editor reads the cards in order and goes to each one that needs work: by c
        # (confirming each right card on the way) or j, or by g and the card's number,
        # whichever is fewer keys; the right cards left are confirmed with A at the end.
        for candidate in [c for c in candidates if needs_work(c)]:
            if not args.add_after_candidates:
                # The missed quotes before this card are added on the way to it, from the
                # card before them (a marks the first uncovered passage after it).
                for g_index, g in enumerate(gold):
                    if (
                        g_index not in match.values()
                        and g_index not in added_on_the_way
                        and g["quote_span"][0] < candidate.start
                    ):
                        added_on_the_way.add(g_index)
                        add_missed(g)
            before = presses()
            walk = page.walk_keys(candidate.pk)
            jump = page.jump_keys(candidate.pk)
            if walk is not None and (walk[0] <= jump or args.without_g_and_tab):
                for key, pk in walk[1]:
                    keys[key] += 1
                    if key == "c":
                        quote = Quote.objects.get(pk=pk)
                        post("quote_confirm", pk, {"version": quote.version})
                        decisions["confirm"] += 1
                        page.after_advance(pk)
                    else:
                        page.current = page.next_row(pk)
                by_decision["confirm"] += presses() - before
            else:
                keys["g"] += 1
                keys["digits"] += jump - 1
                page.current = candidate.pk
                if page.number_could_go_on(candidate.pk) and not args.enter_after_numbers:
                    number_open["after"] = candidate.pk
                decided("go to a card", before)
            quote = Quote.objects.select_related("speaker").get(pk=candidate.pk)
            g_index = match.get(quote.pk)
            if g_index is None:
                before = presses()
                keys["x"] += 1
                post("quote_reject", quote.pk, {"version": quote.version})
                page.after_advance(quote.pk)
                decided("reject", before)
                continue
            g = gold[g_index]
            gs, ge = g["quote_span"]
            cov = coverage((gs, ge), (quote.start, quote.end))
            if cov < 0.8 or (quote.end - quote.start) > 2 * (ge - gs):
                before = presses()
                span_keys, (ns, ne) = _span_fix(segments, text, quote, gs, ge)
                keys["span"] += span_keys
                if os.environ.get("SCRIPTED_EDITOR_VERBOSE"):
                    print(
                        f"  span {span_keys} keys: {text[quote.start : quote.end]!r}\n"
                        f"       -> {text[gs:ge]!r}"
                    )
                counts["spans fixed"] += 1
                post(
                    "quote_span",
                    quote.pk,
                    {"version": quote.version, "start": ns, "end": ne},
                )
                quote.refresh_from_db()
                page.current = quote.pk  # a span change stays on its card
                number_open["after"] = None  # the span key ended the number
                decided("span fix", before)
            gold_name = g.get("speaker_name") or ""
            if gold_name and not (quote.speaker_id and names_match(gold_name, quote.speaker.name)):
                before = presses()
                name, data = choose_speaker(
                    quote, gold_name, candidates, page.previous_speaker(quote)
                )
                post(name, quote.pk, {"version": quote.version, **data})
                quote.refresh_from_db()
                counts["speakers corrected"] += 1
                if quote.speaker_start is not None:
                    counts["mentions kept or set"] += 1
                page.after_advance(quote.pk)
                decided("speaker fix", before)
        if args.without_confirm_and_next:
            confirm_the_rest(article, page)
        # Gold quotes no candidate found and not added on the way: in text order.
        for g_index, g in enumerate(gold):
            if g_index not in match.values() and g_index not in added_on_the_way:
                add_missed(g)
        before = presses()
        left = Quote.objects.filter(article=article, status=Quote.Status.CANDIDATE)
        if args.without_confirm_and_next or not left.exists():
            keys["n"] += 1
            client.post(reverse("article_next"), {"after": article.pk})
        else:
            # N: the candidates left confirmed (as A) and the next article, in one key.
            n_left = left.count()
            keys["N"] += 1
            response = client.post(
                reverse("article_next"),
                {"after": article.pk, "confirm_remaining": "1", "expected": n_left},
            )
            if response.status_code != 303 or left.exists():
                counts["errors"] += 1
                print(f"  N on article {article.pk}: HTTP {response.status_code}")
            decisions["confirm"] += n_left
        decided("next article", before)
        machine += time.perf_counter() - started
        for quote in Quote.objects.filter(article=article).reviewed().select_related("speaker"):
            predictions.append((record["id"], quote))
        print(f"article {number}/{len(held)}: {len(candidates)} candidates, {len(gold)} gold")

    _report(keys, typed, counts, machine, len(held), predictions, held, args.split)
    print("keys by decision (decisions, keys, keys per decision, share of all keys):")
    total = presses() or 1
    for kind, n in decisions.most_common():
        spent = by_decision[kind]
        print(f"  {kind:14} {n:4} {spent:5} {spent / n:6.2f} {100 * spent / total:5.1f}%")


def _key(name):
    from annotations.models import normalize_name

    return normalize_name(name)


def _offers(quote, previous) -> list[str]:
    """The alternatives the card shows (review_rows: known speakers, not the current)."""
    from annotations.models import Speaker

    known = {
        s.normalized_name: s
        for s in Speaker.objects.active().filter(
            normalized_name__in=[_key(n) for n in quote.alternatives or ()]
        )
    }
    out = []
    for name in quote.alternatives or ():
        speaker = known.get(_key(name))
        if speaker and speaker.pk != quote.speaker_id and speaker.name not in out:
            out.append(speaker.name)
    return out


def choose_speaker_for_add(client, reverse, names_match, keys, gold_name, article_pk, start):
    """The add form's speaker field: the article's people are offered before anything is
    typed (↓ to the right one), or type until the right person is pre-selected: the
    cheaper of the two (typed characters plus arrows)."""
    best = None
    for form in dict.fromkeys([gold_name.split()[-1], gold_name]):
        for n in range(0, len(form) + 1):
            body = client.get(
                reverse("speaker_suggest"),
                {"speaker_name": form[:n], "article": article_pk, "start": start},
                **HTMX,
            ).content.decode()
            options = re.findall(r'aria-selected="(\w+)"[^>]*?data-speaker-name="([^"]*)"', body)
            chosen = next((i for i, o in enumerate(options) if o[0] == "true"), None)
            right = [i for i, o in enumerate(options) if names_match(gold_name, o[1])]
            if right and chosen is not None:
                arrows = abs(right[0] - chosen)
                if best is None or n + arrows < best[0] + best[1]:
                    best = (n, arrows, options[right[0]][1])
                if arrows == 0:
                    break
    if best is None:
        if os.environ.get("SCRIPTED_EDITOR_VERBOSE"):
            print(f"    add speaker {gold_name!r}: new, typed {len(gold_name)}")
        keys["a"] += 1  # a: the add form, its speaker field
        keys["typed"] += len(gold_name)
        keys["Enter"] += 1
        return "quote_add", {"speaker_name": gold_name, "create": "1", "_typed": len(gold_name)}
    n, arrows, name = best
    if os.environ.get("SCRIPTED_EDITOR_VERBOSE"):
        print(f"    add speaker {gold_name!r}: typed {n}, arrows {arrows}")
    if n == 0 and arrows == 0:
        # The first offer is right: p adds the marked span by it (review.js
        # selection-add-previous), where a and Enter took two keys.
        keys["p"] += 1
        return "quote_add", {"speaker_name": name, "_typed": 0}
    keys["a"] += 1  # a: the add form, its speaker field
    keys["typed"] += n
    keys["↓"] += arrows
    keys["Enter"] += 1
    return "quote_add", {"speaker_name": name, "_typed": n}


def _next_word_stop(text: str, at: int) -> int:
    return next((s for s in word_stops(text) if s > at), len(text))


def mark_keys(text: str, caret: int, span: tuple[int, int], quote=None) -> tuple[int, tuple]:
    """Fewest keys marking ``span`` with the caret starting at ``caret``, and the span
    they mark: arrows, Space, arrows, Space; or arrows then ``.`` / ``,`` (from the caret
    to the end of its sentence / clause), with or without a Space and arrows first. Home
    and End reach the current ``quote``'s own start and end."""
    from annotations import segments

    extra: tuple[int, ...] = highlight_bounds(quote) if quote is not None else ()
    start, end = span
    moves = caret_moves(text, caret, start, extra)
    after_space = _next_word_stop(text, start)  # Space marks, then takes one word
    end_stop = end_stop_for(text, end)
    if quote is not None and end == extra[1]:
        end_stop = extra[1]
    best = (moves + 1 + caret_moves(text, after_space, end_stop, extra) + 1, span)
    for sentences in (True, False):
        ends = segments.clause_ends(text, sentences_only=sentences)
        # "." or "," straight from the start...
        if next((e for e in ends if e > start), None) == end:
            best = min(best, (moves + 1, span))
        # ... or after a Space and caret moves, from where the next end is the right one.
        for at in word_stops(text):
            if after_space <= at < end and next((e for e in ends if e > at), None) == end:
                best = min(best, (moves + 1 + caret_moves(text, after_space, at, extra) + 1, span))
    return best


SPAN_STEPS = {
    "[": "grow_start",
    "]": "shrink_start",
    "{": "shrink_end",
    "}": "grow_end",
    "<": "grow_start_clause",
    ">": "shrink_start_clause",
    "(": "shrink_end_clause",
    ")": "grow_end_clause",
}


def _step(segments, text, name, s, e) -> tuple[int, int]:
    """The span after one step, as the server's quote_span view computes it."""
    if name == "grow_start":
        return segments.grow_start(text, s), e
    if name == "shrink_start":
        return segments.shrink_start(text, s, e), e
    if name == "grow_end":
        return s, segments.grow_end(text, e)
    if name == "shrink_end":
        return s, segments.shrink_end(text, s, e)
    changed = getattr(segments, name)(text, s, e)
    return (changed, e) if "start" in name else (s, changed)


def _span_fix(segments, text, quote, gs, ge) -> tuple[int, tuple[int, int]]:
    """Fewest keys to move the quote onto gold [gs, ge), and the span they give: the span
    steps (word and clause, ``[ ] { } < > ( )``) when they reach it (or the span the text
    caret would mark), else the text caret (t ... Enter), whichever takes fewer keys."""
    from collections import deque

    span = reachable_span(text, gs, ge)
    caret_cost, caret_span = mark_keys(text, highlight_bounds(quote)[0], span, quote)
    by_caret = 1 + caret_cost + 1  # t ... Enter
    goals = {(gs, ge), span}
    seen = {(quote.start, quote.end): 0}
    queue = deque([(quote.start, quote.end)])
    while queue:
        at = queue.popleft()
        if at in goals:
            if seen[at] <= by_caret:
                return seen[at], at
            break
        if seen[at] >= by_caret or len(seen) > 20000:
            break
        for name in SPAN_STEPS.values():
            nxt = _step(segments, text, name, *at)
            if nxt not in seen and nxt[0] < nxt[1]:
                seen[nxt] = seen[at] + 1
                queue.append(nxt)
    return by_caret, caret_span


def _report(keys, typed, counts, machine, n_articles, predictions, held, split):
    candidates = counts["candidates"] or 1
    presses = sum(v for k, v in keys.items() if k != "typed")
    by_keyboard_now = keys["span"] + keys["caret"] + keys["a"]  # were mouse drags and clicks
    print()
    print(
        f"{split} ggt_dev articles: {n_articles}; candidates {counts['candidates']}; "
        f"gold quotes {counts['gold']}"
    )
    print(
        f"key presses (typed characters apart): {presses} ({presses / candidates:.2f} per "
        f"candidate); without the {by_keyboard_now} for spans and added quotes (mouse work "
        f"before): {(presses - by_keyboard_now) / candidates:.2f} per candidate"
    )
    print(f"typed characters: {typed} ({typed / candidates:.2f} per candidate)")
    print("mouse actions: 0")
    print(f"page loads: {counts['page loads']} (one per article); errors: {counts['errors']}")
    print(f"machine time: {machine / max(1, n_articles):.1f} s per article")
    print("keys by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(keys.items())))
    print(
        f"decisions: spans fixed {counts['spans fixed']}, speakers corrected "
        f"{counts['speakers corrected']}, quotes added {counts['added']}"
    )
    corrected = counts["speakers corrected"]
    if corrected:
        kept = counts["mentions kept or set"]
        print(
            f"speaker mentions kept or set: {kept} of {corrected} ({100 * kept / corrected:.0f}%)"
        )
    with tempfile.TemporaryDirectory() as tmp:
        gold_path, pred_path = Path(tmp, "gold.jsonl"), Path(tmp, "pred.jsonl")
        gold_path.write_text("".join(json.dumps(r) + "\n" for r in held), encoding="utf-8")
        by_article = {r["id"]: [] for r in held}
        for article_id, q in predictions:
            by_article[article_id].append(
                {
                    "quote": q.text,
                    "quote_span": [q.start, q.end],
                    "speaker": q.speaker_text,
                    "speaker_span": [q.speaker_start, q.speaker_end]
                    if q.speaker_start is not None
                    else None,
                    "speaker_name": q.speaker.name if q.speaker_id else "",
                    "is_floating": q.speaker_start is None,
                }
            )
        pred_path.write_text(
            "".join(json.dumps({"id": k, "quotes": v}) + "\n" for k, v in by_article.items()),
            encoding="utf-8",
        )
        result = subprocess.run(
            [sys.executable, str(SCORE), str(gold_path), str(pred_path), "--split", "all"],
            capture_output=True,
            text=True,
        )
        print("post-review score (../shared/eval/score.py):")
        print(result.stdout.strip() or result.stderr.strip())


if __name__ == "__main__":
    main()
