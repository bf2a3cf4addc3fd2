"""The real engine through the database, on short texts of our own."""

import pytest
from django.core.management import call_command

from annotations.models import Article, Quote, Speaker
from tests.factories import make_article

pytestmark = pytest.mark.django_db

FERRY = (
    '"The ferry will run all winter," said Ruth Okoro, the harbour master.\n'
    "She added that fares would not rise.\n"
    '"We have enough crew," Ms Okoro said.'
)
ARMY = (
    "Defence Secretary Ben Wallace said the army was ready.\n"
    '"We will not be found wanting," Mr Wallace told reporters.'
)


def test_extract_quotes_stores_the_real_engines_candidates_with_one_speaker_per_person():
    ferry, army = make_article(text=FERRY), make_article(text=ARMY)

    call_command("extract_quotes", "--article", str(ferry.pk), str(army.pk), verbosity=0)

    direct = Quote.objects.get(article=ferry, text='"The ferry will run all winter,"')
    assert direct.speaker.name == "Ruth Okoro"
    assert set(ferry.quotes.values_list("speaker__name", flat=True)) == {"Ruth Okoro"}
    assert set(army.quotes.values_list("speaker__name", flat=True)) == {"Ben Wallace"}
    assert Speaker.objects.count() == 2
    assert set(Article.objects.values_list("extraction_state", flat=True)) == {"done"}


def test_extracting_again_with_the_real_engine_changes_nothing():
    article = make_article(text=FERRY)
    call_command("extract_quotes", "--article", str(article.pk), verbosity=0)
    before = list(Quote.objects.order_by("pk").values())

    call_command("extract_quotes", "--all", verbosity=0)

    assert list(Quote.objects.order_by("pk").values()) == before
