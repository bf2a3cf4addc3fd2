"""Forms for editors' pages: they check and convert input; the services do the writing."""

from django import forms
from django.conf import settings
from django.core.validators import URLValidator

from .importers import WEB_SCHEMES
from .models import Article, Quote, Speaker, normalize_name


class VersionForm(forms.Form):
    """Every change to a quote says which version of it the editor was looking at."""

    version = forms.IntegerField(
        min_value=1,
        error_messages={
            "required": "The request did not say which version of the quote you saw.",
            "invalid": "The quote version must be a whole number.",
            "min_value": "The quote version must be a whole number from 1.",
        },
    )


class KindForm(VersionForm):
    kind = forms.ChoiceField(
        choices=Quote.Kind.choices,
        error_messages={"invalid_choice": "'%(value)s' is not a kind of quote."},
    )


class SpeakerFieldsMixin(forms.Form):
    """A speaker by id (from the autocomplete), by exact name or alias, or a new one."""

    speaker = forms.IntegerField(required=False, widget=forms.HiddenInput)
    speaker_name = forms.CharField(required=False, max_length=300, label="Speaker")
    create = forms.BooleanField(required=False, label="New speaker with this name")

    speaker_required = True

    def clean(self):
        data = super().clean()
        speaker_id, name = data.get("speaker"), " ".join((data.get("speaker_name") or "").split())
        data["speaker_obj"], data["new_speaker_name"] = None, ""
        if speaker_id is not None:
            speaker = Speaker.objects.select_related("merged_into").filter(pk=speaker_id).first()
            if speaker is None:
                raise forms.ValidationError(f"There is no speaker with id {speaker_id}.")
            data["speaker_obj"] = speaker
        elif name and data.get("create"):
            data["new_speaker_name"] = name
        elif name:
            key = normalize_name(name)
            found = list(
                Speaker.objects.active().filter(normalized_name=key)[:2]
                or Speaker.objects.active().filter(aliases__normalized=key).distinct()[:2]
            )
            if len(found) != 1:
                problem = "No speaker is" if not found else "More than one speaker is"
                raise forms.ValidationError(
                    f"{problem} called '{name}': pick one from the suggestions, or tick "
                    "'New speaker with this name' to create it."
                )
            data["speaker_obj"] = found[0]
        elif self.speaker_required:
            raise forms.ValidationError("Choose a speaker (type a name and pick a suggestion).")
        return data


class SpeakerForm(SpeakerFieldsMixin, VersionForm):
    pass


class SpanForm(VersionForm):
    ADJUSTMENTS = {
        "grow_start": "one word earlier",
        "shrink_start": "one word later",
        "shrink_end": "one word earlier",
        "grow_end": "one word later",
        "grow_start_clause": "one clause earlier",
        "shrink_start_clause": "one clause later",
        "shrink_end_clause": "one clause earlier",
        "grow_end_clause": "one clause later",
    }

    start = forms.IntegerField(required=False)
    end = forms.IntegerField(required=False)
    adjust = forms.ChoiceField(
        required=False,
        choices=[(k, k) for k in ADJUSTMENTS],
        error_messages={"invalid_choice": "'%(value)s' is not a way to adjust a span."},
    )

    def clean(self):
        data = super().clean()
        if not data.get("adjust") and (data.get("start") is None or data.get("end") is None):
            raise forms.ValidationError("Give the new span's start and end (or select text).")
        return data


class MentionForm(VersionForm):
    """Where the text names the speaker: a span of the article, or cleared."""

    start = forms.IntegerField(required=False)
    end = forms.IntegerField(required=False)
    clear = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("clear") and (data.get("start") is None or data.get("end") is None):
            raise forms.ValidationError(
                "Give the mention's start and end (select the speaker's name), or clear it."
            )
        return data


class AddQuoteForm(SpeakerFieldsMixin):
    speaker_required = False

    start = forms.IntegerField(error_messages={"required": "Select the quote's text first."})
    end = forms.IntegerField(error_messages={"required": "Select the quote's text first."})
    kind = forms.ChoiceField(
        required=False, choices=[("", "guess from quote marks"), *Quote.Kind.choices]
    )


class ConfirmRemainingForm(forms.Form):
    expected = forms.IntegerField(min_value=0)


class QueueFilterForm(forms.Form):
    outlet = forms.ChoiceField(required=False)
    published_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    published_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    state = forms.ChoiceField(
        required=False,
        label="Extraction",
        choices=[("", "any (with candidates)"), *Article.Extraction.choices],
    )
    mine = forms.BooleanField(required=False, label="Assigned to me")

    def __init__(self, *args, outlets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlet"].choices = [("", "all outlets")] + [(o, o) for o in outlets]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class AddArticlesForm(forms.Form):
    """One pasted article, or files in the formats import_articles reads."""

    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 12}))
    title = forms.CharField(required=False, max_length=500)
    outlet = forms.CharField(required=False, max_length=200)
    url = forms.URLField(
        required=False,
        max_length=2000,
        assume_scheme="https",
        # Only web addresses, as for file imports (URLField alone also takes ftp://).
        validators=[URLValidator(schemes=WEB_SCHEMES)],
        error_messages={"invalid": "Enter a web address (http:// or https://)."},
    )
    published = forms.DateField(
        required=False, label="Date", widget=forms.DateInput(attrs={"type": "date"})
    )
    files = MultipleFileField(
        required=False,
        label="Files (.txt, .jsonl, .csv, .html)",
        widget=MultipleFileInput(attrs={"accept": ".txt,.jsonl,.csv,.html,.htm"}),
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        for upload in files:
            if upload.size > limit:
                raise forms.ValidationError(
                    f"{upload.name} is {upload.size // 1024} KiB; the limit is "
                    f"{limit // 1024} KiB per file."
                )
        return files

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("files"):
            if not self.errors:
                raise forms.ValidationError("Paste an article's text or choose files to upload.")
        elif (data.get("text") or "").strip() and data.get("files"):
            raise forms.ValidationError("Paste one article or upload files, not both at once.")
        return data
