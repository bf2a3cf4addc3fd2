"""The partial indexes over reviewed quotes are named for what they hold: "published" now
means only an article's date (QuoteQuerySet.published() became reviewed())."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0010_article_search_trigram"),
    ]

    operations = [
        migrations.RenameIndex(
            model_name="quote",
            new_name="quote_reviewed_statement",
            old_name="quote_published_statement",
        ),
        migrations.RenameIndex(
            model_name="quote",
            new_name="quote_reviewed_speaker",
            old_name="quote_published_speaker",
        ),
    ]
