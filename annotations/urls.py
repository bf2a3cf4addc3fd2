from django.urls import path

from .views import (
    articles,
    merges,
    profiles,
    research,
    review_actions,
    review_article,
    review_queue,
    site,
    voices,
)

urlpatterns = [
    path("", site.home, name="home"),
    path("healthz", site.healthz, name="healthz"),
    # Review (editors; the article page is read-only for researchers)
    path("review/", review_queue.review_queue, name="review_queue"),
    path("review/next/", review_queue.article_next, name="article_next"),
    path("articles/add/", articles.articles_add, name="articles_add"),
    path("articles/status/", articles.articles_status, name="articles_status"),
    path("articles/<int:pk>/", review_article.article_review, name="article_review"),
    path("articles/<int:pk>/claim/", review_queue.article_claim, name="article_claim"),
    path("articles/<int:pk>/release/", review_queue.article_release, name="article_release"),
    path("articles/<int:pk>/undo/", review_actions.article_undo, name="article_undo"),
    path(
        "articles/<int:pk>/confirm-remaining/",
        review_actions.article_confirm_remaining,
        name="article_confirm_remaining",
    ),
    path("articles/<int:pk>/quotes/add/", review_actions.quote_add, name="quote_add"),
    path("quotes/<int:pk>/confirm/", review_actions.quote_confirm, name="quote_confirm"),
    path("quotes/<int:pk>/reject/", review_actions.quote_reject, name="quote_reject"),
    path("quotes/<int:pk>/kind/", review_actions.quote_kind, name="quote_kind"),
    path("quotes/<int:pk>/speaker/", review_actions.quote_speaker, name="quote_speaker"),
    path("quotes/<int:pk>/span/", review_actions.quote_span, name="quote_span"),
    path("quotes/<int:pk>/mention/", review_actions.quote_mention, name="quote_mention"),
    path("quotes/<int:pk>/edit/", review_article.quote_edit, name="quote_edit"),
    path("quotes/<int:pk>/history/", review_article.quote_history, name="quote_history"),
    path("speakers/suggest/", review_article.speaker_suggest, name="speaker_suggest"),
    path("speakers/merges/", merges.merge_suggestions, name="merge_suggestions"),
    path(
        "speakers/merges/<int:pk>/accept/",
        merges.merge_suggestion_accept,
        name="merge_suggestion_accept",
    ),
    path(
        "speakers/merges/<int:pk>/dismiss/",
        merges.merge_suggestion_dismiss,
        name="merge_suggestion_dismiss",
    ),
    path(
        "speakers/merges/<int:pk>/reopen/",
        merges.merge_suggestion_reopen,
        name="merge_suggestion_reopen",
    ),
    path("speakers/merged/<int:pk>/undo/", merges.speaker_merge_undo, name="speaker_merge_undo"),
]

# Researchers' pages (annotations/views/research.py).
urlpatterns += [
    path("quotes/", research.quote_list, name="quote_list"),
    path("quotes/export.<str:fmt>", research.quote_export, name="quote_export"),
    path("speakers/", research.speaker_list, name="speaker_list"),
    path("speakers/autocomplete/", research.speaker_autocomplete, name="speaker_autocomplete"),
    path("speakers/<int:pk>/", research.speaker_detail, name="speaker_detail"),
    path("statements/", research.statement_list, name="statement_list"),
    path("research/articles/", research.article_list, name="research_articles"),
    path("voices/", voices.voices, name="voices"),
    path("voices/export.csv", voices.voices_csv, name="voices_csv"),
    path("speakers/<int:pk>/profile/", profiles.speaker_profile, name="speaker_profile"),
]
