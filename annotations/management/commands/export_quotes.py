"""python manage.py export_quotes: the quote list's filters, written as CSV or JSONL.

The options are the quote list's query parameters, checked by the same FilterSet, so

    python manage.py export_quotes --speaker 12 --date-from 2024-01-01 --format jsonl

writes exactly what /quotes/?speaker=12&date_from=2024-01-01 lists (and its export link
downloads). Rows are streamed: memory stays flat however many quotes match.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from annotations import exports
from annotations.filters import BadParameter, QuoteFilter
from annotations.models import Quote


class Command(BaseCommand):
    help = (
        "Export the quotes matching the given filters: csv, excel-csv, jsonl (one quote a "
        "row or line, the README's export schema) or gold-jsonl (one article a line)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=sorted(exports.FORMATS), default="csv")
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument("--speaker", help="Speaker id.")
        parser.add_argument("--article", help="Article id.")
        parser.add_argument("--outlet", help="Outlet name, exactly.")
        parser.add_argument("--date-from", help="Published on or after (YYYY-MM-DD).")
        parser.add_argument("--date-to", help="Published on or before (YYYY-MM-DD).")
        parser.add_argument(
            "--status",
            action="append",
            choices=Quote.Status.values,
            help="Repeat for several (default: confirmed and corrected).",
        )
        parser.add_argument("--kind", action="append", choices=Quote.Kind.values)
        parser.add_argument("--q", help="Words in the quote (full-text search).")
        parser.add_argument("--sort", choices=["date", "relevance"], default="date")
        parser.add_argument(
            "--base-url",
            default="",
            help="Prefix for permalinks, e.g. https://quotes.example.org (default: paths only).",
        )

    def handle(self, *args, **options):
        params = QueryDict(mutable=True)
        for name in ("speaker", "article", "outlet", "date_from", "date_to", "q", "sort"):
            if options[name] not in (None, ""):
                params[name] = options[name]
        for name in ("status", "kind"):
            if options[name]:
                params.setlist(name, options[name])
        filterset = QuoteFilter(params, queryset=Quote.objects.all())
        try:
            quotes = filterset.filtered()
        except BadParameter as error:
            raise CommandError(str(error)) from None
        chunks = exports.write_export(
            quotes,
            fmt=options["format"],
            sort=filterset.sort_order,
            terms=filterset.terms,
            base_url=options["base_url"].rstrip("/"),
        )
        if options["output"]:
            newline = "" if exports.FORMATS[options["format"]].extension == "csv" else None
            with open(options["output"], "w", encoding="utf-8", newline=newline) as out:
                out.writelines(chunks)
        else:
            sys.stdout.writelines(chunks)
            sys.stdout.flush()
