"""The id and class tokens by which real sites name their content containers and their boilerplate.

Copied from trafilatura 2.3.1 (``trafilatura/xpaths.py``, Apache-2.0: the token groups its
``BODY_XPATH``, ``OVERALL_DISCARD_XPATH`` and ``REMOVE_COMMENTS_XPATH`` pass to ``re:test``), which
gathered them over thousands of sites. trafilatura keeps them as private names (``_STORY_ID_TOKENS``…)
that may change in any release, so we keep our own copy, grouped by what each group names, and test
them in Python (:mod:`migrator.extract.container`) instead of EXSLT callbacks.
"""
from __future__ import annotations

import re


def alternation(*groups: tuple[str, ...], flags: int = 0) -> re.Pattern[str]:
    """One regex matching any token of ``groups`` anywhere in a value (XPath ``re:test`` semantics).

    >>> bool(alternation(("post-body",), ("^main",)).search("wrap post-body"))
    True
    """
    tokens = tuple(t for group in groups for t in group)
    if not tokens:  # an empty alternation would match every element
        raise ValueError("empty token group")
    return re.compile("|".join(tokens), flags)


# --- content containers, surest stage first (trafilatura's BODY_XPATH) ---
#: schema.org ``articleBody``, hAtom/WordPress ``entry-content``, ``article-body`` and their variants.
ARTICLE_CONTENT_ID = (
    "(?:entry|article|art)-content", "article__content", "article(?:-|__)?body", "articleBody", "body-text",
)
ARTICLE_CONTENT_CLASS = (
    "post[-_]text", "post-body", "post-?entry", "post[-_]?content", "postContent", "post_inner_wrapper",
    "article-?text", "articleText", "(?:entry|page|text|article|art)-content", "article__content",
    "article(?:-|__)?body", "articleBody", "ArticleContent", "body-text", "article__container",
)
#: Story containers: news CMS ``story-body``, Drupal's ``field-body``, WordPress page builders.
STORY_ID = ("^primary", "story-body")
STORY_CLASS = (
    "^article ", "post-bodycopy", "story-?content", "(?:theme|blog|section|single)-content", "single-post",
    "main-column", "wpb_text_column", "story-body", "field-body",
)
MAIN_CONTENT_ID = ("content-main", "content-body", "contentBody")
MAIN_CONTENT_CLASS = ("content[-_]main", "content(?:-|__)body")

# --- boilerplate inside a container (trafilatura's OVERALL_DISCARD_XPATH) ---
SHARE_SOCIAL = ("^shar", "social", "viral")
NEWSLETTER = ("newsletter", "syndication")
#: Tested on the first of id/class only: pages about cookies carry the token on real content.
CONSENT = ("cookie",)
TAGS = ("tags",)
UI_CHROME = ("sidebar", "banner", "bread-?crumb", "button")
AUTHOR = ("author",)
#: Tokens tested on both the id and the class.
DISCARD_BOTH = SHARE_SOCIAL + NEWSLETTER + TAGS + UI_CHROME + AUTHOR
#: Tokens tested on the id only: footers, share bars, navigation, related links, paywalls, ads.
DISCARD_ID = (
    "^(?:jp-|dpsp-content)", "bmdh", "footer", "Footer", "share", "Share", "nav", "Nav", "menu", "related",
    "message-container", "premium", "^ad-",
)
#: Tokens tested on the class only.
DISCARD_CLASS = (
    # navigation
    "^(?:nav|post-nav|ZendeskForm)", "subnav", "avigation", "navbar", "navbox", "menu", "bar",
    # ads and sponsored widgets
    " ad ", "-ad-", "(?:^| )ad-", "dfp[Aa]d", "outbrain", "taboola", "criteo", "paid-?content", "widget",
    # footers, bylines, share bars, tag lists, consent dialogs, related stories
    "footer", "Footer", "byline", "Byline", "share-", "sociable", "embedded", "embed", "tag-list",
    "consent", "modal-content", "permission", "elated", "next-", "-stories", "most-popular", "more-on",
    # meta lines and UI chrome
    "meta", "rating", "attachment", "timestamp", "user-info", "user-profile", "-icon", "article-infos",
    "message-container", "slide", "viewport", "overlay", "options", "expand", "obfuscated", "blurred",
    # legacy single-site tokens trafilatura keeps
    "mol-factbox", "yin", "zlylin", "nfoline",
)
#: Comment sections (trafilatura's REMOVE_COMMENTS_XPATH; Disqus's own ids).
COMMENTS_ID = ("^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)",)
COMMENTS_CLASS = ("^[Cc]omment(?!ary)|(?:article|post)-comments",)
