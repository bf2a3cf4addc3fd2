from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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
    list_display = ["__str__", "outlet", "published", "extraction_state", "imported_at"]
    list_filter = ["extraction_state", "outlet", "published", "language"]
    search_fields = ["title", "url", "outlet", "external_id"]
    date_hierarchy = "published"
    readonly_fields = ["content_hash", "imported_at", "extracted_with", "extracted_at"]
    raw_id_fields = ["imported_by", "claimed_by"]
    inlines = [QuoteInline]


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


@admin.register(SpeakerMergeSuggestion)
class SpeakerMergeSuggestionAdmin(admin.ModelAdmin):
    list_display = ["speaker", "other", "score", "reason", "status", "decided_by"]
    list_filter = ["status"]
    search_fields = ["speaker__name", "other__name"]
    raw_id_fields = ["speaker", "other", "decided_by"]


@admin.register(SpeakerMerge)
class SpeakerMergeAdmin(admin.ModelAdmin):
    list_display = ["source", "target", "merged_by", "merged_at", "undone_at"]
    list_filter = ["merged_at"]
    search_fields = ["source__name", "target__name"]
    raw_id_fields = ["source", "target", "merged_by"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "created_at", "last_used_at"]
    list_filter = ["created_at"]
    search_fields = ["name", "user__username"]
    raw_id_fields = ["user"]
    readonly_fields = ["key_hash"]
