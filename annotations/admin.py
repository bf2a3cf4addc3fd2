from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    ApiToken,
    Article,
    Quote,
    Speaker,
    SpeakerAlias,
    SpeakerMerge,
    SpeakerMergeSuggestion,
)


class QuoteInline(admin.TabularInline):
    model = Quote
    extra = 0
    fields = ["start", "end", "text", "kind", "speaker", "status", "confidence"]
    readonly_fields = ["text"]
    raw_id_fields = ["speaker"]
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet", "published", "extraction", "imported_at"]
    list_filter = ["extraction_state", "outlet", "published", "language"]
    search_fields = ["title", "url", "outlet", "external_id"]
    date_hierarchy = "published"
    readonly_fields = [
        "content_hash",
        "imported_at",
        "extraction_state",
        "extraction_error",
        "extracted_with",
        "extracted_at",
        "extraction_attempts",
        "extraction_candidates",
    ]
    raw_id_fields = ["imported_by", "claimed_by"]
    inlines = [QuoteInline]
    actions = ["queue_extraction"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Quotes edited inline change what the review queue shows for the article.
        Article.objects.filter(pk=form.instance.pk).refresh_review_counts()

    @admin.display(description="extraction", ordering="extraction_state")
    def extraction(self, article):
        return article.extraction_summary

    @admin.action(description="Extract quotes again (retry failed ones; reviewed quotes are kept)")
    def queue_extraction(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        services.queue_extraction(articles=ids)
        self.message_user(
            request,
            f"{len(ids)} article(s) queued for extraction; a db_worker will take them.",
            messages.SUCCESS,
        )


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    extra = 0


@admin.register(Speaker)
class SpeakerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "external_id", "origin", "merged_into", "created_at"]
    list_filter = ["origin"]
    search_fields = ["name", "aliases__name", "external_id"]
    raw_id_fields = ["merged_into"]
    inlines = [SpeakerAliasInline]
    actions = ["merge_selected"]

    @admin.action(description="Merge the selected speakers (into the fullest name)")
    def merge_selected(self, request, queryset):
        speakers = list(queryset.active())
        if len(speakers) < 2:
            self.message_user(
                request, "Select at least two speakers that are not merged.", messages.ERROR
            )
            return
        target = services.merge_target(speakers)
        for source in speakers:
            if source != target:
                services.speaker_merge(source=source, target=target, user=request.user)
        self.message_user(
            request,
            f"Merged {len(speakers) - 1} speaker(s) into {target}; undo from Speaker merges.",
            messages.SUCCESS,
        )


@admin.register(SpeakerAlias)
class SpeakerAliasAdmin(SimpleHistoryAdmin):
    list_display = ["name", "speaker"]
    search_fields = ["name", "speaker__name"]
    raw_id_fields = ["speaker"]


@admin.register(Quote)
class QuoteAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "speaker", "kind", "status", "confidence", "origin", "updated_at"]
    list_filter = ["status", "kind", "origin", "extractor_version", "article__outlet"]
    search_fields = ["text", "speaker__name", "speaker_text", "article__title"]
    raw_id_fields = ["article", "speaker", "created_by", "updated_by"]
    readonly_fields = ["version", "created_at", "updated_at"]

    # A quote saved or deleted here changes its article's place in the review queue.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Article.objects.filter(pk=obj.article_id).refresh_review_counts()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        Article.objects.filter(pk=obj.article_id).refresh_review_counts()

    def delete_queryset(self, request, queryset):
        ids = set(queryset.values_list("article_id", flat=True))
        super().delete_queryset(request, queryset)
        Article.objects.filter(pk__in=ids).refresh_review_counts()


@admin.register(SpeakerMergeSuggestion)
class SpeakerMergeSuggestionAdmin(admin.ModelAdmin):
    list_display = ["speaker", "other", "score", "reason", "status", "decided_by"]
    list_filter = ["status"]
    search_fields = ["speaker__name", "other__name"]
    raw_id_fields = ["speaker", "other", "decided_by"]
    actions = ["accept", "dismiss"]

    @admin.action(description="Accept: merge the two speakers")
    def accept(self, request, queryset):
        merged = 0
        for suggestion in queryset.filter(status=SpeakerMergeSuggestion.Status.OPEN):
            try:
                merged += bool(
                    services.merge_suggestion_accept(suggestion=suggestion, user=request.user)
                )
            except services.SpeakerMergeError as error:
                self.message_user(request, f"{suggestion}: {error}", messages.ERROR)
        self.message_user(request, f"{merged} merge(s) done.", messages.SUCCESS)

    @admin.action(description="Dismiss: not the same person")
    def dismiss(self, request, queryset):
        open_ = list(queryset.filter(status=SpeakerMergeSuggestion.Status.OPEN))
        for suggestion in open_:
            services.merge_suggestion_dismiss(suggestion=suggestion, user=request.user)
        self.message_user(request, f"{len(open_)} suggestion(s) dismissed.", messages.SUCCESS)


@admin.register(SpeakerMerge)
class SpeakerMergeAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "merged_by", "merged_at", "undone_at"]
    list_filter = ["merged_at"]
    search_fields = ["source__name", "target__name"]
    raw_id_fields = ["source", "target", "merged_by"]
    actions = ["undo"]

    @admin.action(description="Undo the selected merges")
    def undo(self, request, queryset):
        undone = 0
        for merge in queryset.filter(undone_at__isnull=True).order_by("-merged_at"):
            try:
                services.speaker_merge_undo(merge=merge, user=request.user)
                undone += 1
            except services.SpeakerMergeError as error:
                self.message_user(request, f"{merge}: {error}", messages.ERROR)
        self.message_user(request, f"{undone} merge(s) undone.", messages.SUCCESS)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "created_at", "last_used_at"]
    list_filter = ["created_at"]
    search_fields = ["name", "user__username"]
    raw_id_fields = ["user"]
    readonly_fields = ["key_hash"]
