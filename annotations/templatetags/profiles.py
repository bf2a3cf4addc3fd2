"""The speaker's profile as shown beside their name: {% speaker_badge speaker %}.

One definition for the research lists (through this tag) and the review rows, which
review_rows.row_html writes in Python.
"""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def speaker_badge(speaker) -> str:
    """The speaker's type, and a person's gender with its evidence in the title."""
    if speaker is None:
        return ""
    kind = speaker.get_speaker_type_display()
    if speaker.speaker_type == "person":
        gender = speaker.get_gender_display()
        title = f"{kind}, gender {gender} ({speaker.get_gender_source_display()})"
        shown = f"{kind} · {gender}"
    else:
        title, shown = kind, kind
    return format_html('<span class="speaker-badge" title="{}">{}</span>', title, shown)
