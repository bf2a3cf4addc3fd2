"""Small builders for test data, in the style of djangoproject.com's checklists factory."""

from itertools import count

from annotations.extraction.candidate import QuoteCandidate
from annotations.models import Article, Quote, Speaker

_numbers = count(1)

DEFAULT_TEXT = (
    '"We will rebuild the bridge by spring," said Mayor Ana Lopez.\n'
    "The council's treasurer, Tom Reed, said the budget could not carry the cost.\n"
    "According to the engineers, the old piers are sound."
)


def make_article(**kwargs) -> Article:
    n = next(_numbers)
    kwargs.setdefault("text", DEFAULT_TEXT + f"\n(Article {n}.)")
    kwargs.setdefault("outlet", "The Daily Test")
    kwargs.setdefault("title", f"Test article {n}")
    return Article.objects.create(**kwargs)


def make_speaker(name="Ana Lopez", **kwargs) -> Speaker:
    return Speaker.objects.create(name=name, **kwargs)


def make_quote(article: Article, fragment: str | None = None, **kwargs) -> Quote:
    """A quote over ``fragment`` (the first occurrence in the article) or given offsets."""
    if fragment is not None:
        start = article.text.index(fragment)
        kwargs.setdefault("start", start)
        kwargs.setdefault("end", start + len(fragment))
    kwargs.setdefault("start", 0)
    kwargs.setdefault("end", kwargs["start"] + 10)
    kwargs.setdefault("text", article.text[kwargs["start"] : kwargs["end"]])
    kwargs.setdefault("confidence", 0.5)
    quote = Quote.objects.create(article=article, **kwargs)
    # As the extraction service does when it stores candidates: the queue's counts.
    Article.objects.filter(pk=article.pk).refresh_review_counts()
    return quote


def make_candidate(text: str, fragment: str, mention: str, **kwargs) -> QuoteCandidate:
    """What the engine returns for a quote over ``fragment`` (its first occurrence in
    ``text``) attributed to ``mention`` (its first occurrence; the resolved name too,
    unless ``speaker_name`` says otherwise), with no cue."""
    start, at = text.index(fragment), text.index(mention)
    fields = {
        "kind": "indirect",
        "speaker_name": mention,
        "cue_start": None,
        "cue_end": None,
        "cue_text": "",
        "confidence": 0.5,
        "is_floating": False,
        **kwargs,
    }
    return QuoteCandidate(
        start=start,
        end=start + len(fragment),
        text=fragment,
        speaker_start=at,
        speaker_end=at + len(mention),
        speaker_text=mention,
        **fields,
    )
