from django.urls import path

from .views import articles, profiles, research, review, site, voices

urlpatterns = [
    path("", site.home, name="home"),
    path("healthz", site.healthz, name="healthz"),
    # Review (editors; the article page is read-only for researchers)
    path("review/", review.review_queue, name="review_queue"),
    path("review/next/", review.article_next, name="article_next"),
    path("articles/add/", articles.articles_add, name="articles_add"),
    path("articles/status/", articles.articles_status, name="articles_status"),
    path("articles/<int:pk>/", review.article_review, name="article_review"),
    path("articles/<int:pk>/claim/", review.article_claim, name="article_claim"),
    path("articles/<int:pk>/release/", review.article_release, name="article_release"),
    path("articles/<int:pk>/undo/", review.article_undo, name="article_undo"),
    path(
        "articles/<int:pk>/confirm-remaining/",
        review.article_confirm_remaining,
        name="article_confirm_remaining",
    ),
    path("articles/<int:pk>/quotes/add/", review.quote_add, name="quote_add"),
    path("quotes/<int:pk>/confirm/", review.quote_confirm, name="quote_confirm"),
    path("quotes/<int:pk>/reject/", review.quote_reject, name="quote_reject"),
    path("quotes/<int:pk>/kind/", review.quote_kind, name="quote_kind"),
    path("quotes/<int:pk>/speaker/", review.quote_speaker, name="quote_speaker"),
    path("quotes/<int:pk>/span/", review.quote_span, name="quote_span"),
    path("quotes/<int:pk>/edit/", review.quote_edit, name="quote_edit"),
    path("quotes/<int:pk>/history/", review.quote_history, name="quote_history"),
    path("speakers/suggest/", review.speaker_suggest, name="speaker_suggest"),
    path("speakers/merges/", review.merge_suggestions, name="merge_suggestions"),
    path(
        "speakers/merges/<int:pk>/accept/",
        review.merge_suggestion_accept,
        name="merge_suggestion_accept",
    ),
    path(
        "speakers/merges/<int:pk>/dismiss/",
        review.merge_suggestion_dismiss,
        name="merge_suggestion_dismiss",
    ),
    path(
        "speakers/merges/<int:pk>/reopen/",
        review.merge_suggestion_reopen,
        name="merge_suggestion_reopen",
    ),
    path("speakers/merged/<int:pk>/undo/", review.speaker_merge_undo, name="speaker_merge_undo"),
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
