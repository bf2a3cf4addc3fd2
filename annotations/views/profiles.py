"""A speaker's profile: shown to readers, edited by editors (speaker page and review page).

One view: GET gives the profile block (htmx swaps it into the speaker page or the review
page's profile dialog), POST saves an editor's change through services.profiles and
answers with the block again. A stale edit (someone changed the profile meanwhile) is a
409 that names what changed, and saves nothing.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from ..models import Gender, Speaker, SpeakerType
from ..roles import is_editor, reader_required
from ..services.profiles import EDITABLE, ProfileEditError, speaker_profile_edit

TEMPLATE = "annotations/profiles/_profile.html"


class SpeakerProfileForm(forms.Form):
    speaker_type = forms.ChoiceField(label="Type", choices=SpeakerType.choices)
    gender = forms.ChoiceField(choices=Gender.choices)
    role = forms.CharField(max_length=200, required=False)
    affiliation = forms.CharField(max_length=200, required=False)
    # What the editor saw: a change made meanwhile by someone else is not overwritten.
    was_speaker_type = forms.CharField(required=False, widget=forms.HiddenInput)
    was_gender = forms.CharField(required=False, widget=forms.HiddenInput)
    was_role = forms.CharField(required=False, widget=forms.HiddenInput)
    was_affiliation = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def for_speaker(cls, speaker):
        values = {f: getattr(speaker, f) for f in EDITABLE}
        return cls(initial={**values, **{f"was_{f}": v for f, v in values.items()}})


def _context(request, speaker, form=None, **extra):
    editor = is_editor(request.user)
    if editor and form is None:
        form = SpeakerProfileForm.for_speaker(speaker)
    roles = list(speaker.roles.select_related("article").order_by("-article__published")[:10])
    return {"speaker": speaker, "form": form if editor else None, "roles": roles, **extra}


@require_http_methods(["GET", "POST"])
@reader_required
@vary_on_headers("HX-Request")
def speaker_profile(request, pk):
    speaker = get_object_or_404(
        Speaker.objects.select_related("gender_quote__article", "role_quote__article"), pk=pk
    )
    if request.method == "GET":
        return render(request, TEMPLATE, _context(request, speaker))
    if not is_editor(request.user):
        raise PermissionDenied("Only editors can change a speaker's profile.")
    form = SpeakerProfileForm(request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, speaker, form), status=400)
    data = form.cleaned_data
    based_on = {f: data[f"was_{f}"] for f in EDITABLE}
    changes = {
        f: data[f] for f in EDITABLE if data[f] != based_on[f] or request.POST.get("confirm")
    }
    try:
        speaker = speaker_profile_edit(
            speaker=speaker, user=request.user, changes=changes, based_on=based_on
        )
    except ProfileEditError as error:
        speaker.refresh_from_db()
        return render(
            request,
            TEMPLATE,
            _context(request, speaker, SpeakerProfileForm.for_speaker(speaker), error=str(error)),
            status=409,
        )
    return render(request, TEMPLATE, _context(request, speaker, saved=bool(changes)))
