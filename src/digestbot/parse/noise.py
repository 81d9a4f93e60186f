"""Web-page noise: lines that are never items or headings (breadcrumbs, widgets, promotions, statistics).

Rules are general patterns over the folded line, not tied to one page. They are kept narrow enough that a
news item starting with "Share prices ..." or "By Tuesday, ..." survives.
"""

from __future__ import annotations

import re

from digestbot.parse.normalize import fold

_NAV_LINES = frozenset(
    {
        "blog", "home", "news", "insights", "articles", "media", "menu", "search", "share", "print",
        "email", "tweet", "back", "next", "previous", "tags", "categories", "comments", "close",
        "read more", "load more", "see all", "view all", "skip to content", "skip to main content",
        "related posts", "related articles", "recent posts", "popular posts", "leave a comment",
        "open menu", "toggle navigation", "no results found", "back to top", "table of contents",
        "search results", "filter", "clear", "submit", "newsletter", "follow us", "share this",
        "related", "like this", "loading", "leave a reply", "cancel reply", "post navigation", "reply",
        "you may also like", "accept", "reject", "reject all", "accept all", "manage consent", "preferences",
        "print friendly, pdf & email", "share on", "more", "previous article", "next article", "about us",
        "about", "contact",
    }
)  # fmt: skip

_NOISE = re.compile(
    "|".join(
        f"(?:{pattern})"
        for pattern in (
            r"^home\s*(?:>|»|›|/|\||→)|^home - ",  # breadcrumbs: Home > Blog > ...
            r"^(?:[\w' -]{1,30}\s*[>»›]\s*){2,}",  # Blog > Insights > Title
            r"no results found",  # site-search widget
            r"\bno (?:articles?|posts?|results?|pages?) (?:(?:was|were) )?found\b",  # ... for your search
            r"^[a-z][\w &'-]{0,30}\s*\(\d+\)$",  # one tab of a search widget: Media (59)
            r"^click to (?:share|print|email)\b|\(opens in new window\)",  # share buttons
            r"email address will not be published|required fields are marked",  # comment form
            r"^(?:this entry was posted|bookmark the permalink)\b",
            r"^(?:enter|type) your email\b|\bsign up (?:for|to) (?:our|the)\b.*\b(?:newsletter|updates)\b",
            r"\bwe value your privacy\b|\bwe use cookies\b",
            r"\byou (?:are )?receiv(?:e|ing) this (?:e-?mail|message|newsletter|because)\b|\bunsubscribe\b",
            r"^(?:(?:twitter|facebook|linkedin|x|email|whatsapp|reddit|print|telegram|pinterest|bluesky)\b[\s,|/]*)+$",
            r"^all \(?\d+\)?$",  # a search widget's "All (389)" tab
            r"(?:\b[a-z][\w ]{0,20}\(\d+\)\s*){2,}",  # Media (59) Articles (12)
            r"^\d+\s*(?:-\s*\d+\s*)?min(?:ute)?s?\.?\s+read\b",  # 5 min read
            r"^share (?:this|on|via|to|the|article|post|story|page)\b",  # Share this article
            r"^(?:posted|published|written|last updated|updated)(?: on| by| in| at|:)\s",  # Posted by ...
            r"^(?:by|author:?)\s+[\w.'-]+(?:\s+[\w.'-]+){0,3}$",  # author lines
            r"^(?:©|\(c\)|copyright\b)|©\s*\d{4}|all rights reserved",
            r"\b(?:we|this (?:web)?site|our site)\b.{0,40}\bcookies?\b",  # cookie notices
            r"\baccept(?: all)? cookies\b|\bcookie (?:settings|preferences)\b",
            r"^(?:subscribe|sign up|follow us|join our|get our|download our)\b",
            r"\bsubscribe to (?:our|the)\b.*\bnewsletter\b",
            r"\b(?:contact us|get in touch|reach out to us|call us today)\b",
            r"\b(?:is|are) an? (?:[\w-]+ ){0,6}(?:firm|company|consultancy|agency|provider)\b.*"
            r"\b(?:our (?:clients|services|team|experts)|contact|visit|www\.|learn more)\b",  # promotion
            r"^[a-z][\w /()'-]{0,40}:\s*[\d,.]+[\d,.%()+\- ]*$",  # Total Deaths: 1,234 (+56)
            r"^(?:tags?|categor(?:y|ies)|filed under)\s*:",
            r"^(?:previous|next) (?:post|article)\b",
        )
    )
)


# Furniture is short; a longer line is content (and need not be searched, on a 20 MB page).
_MAX_NOISE_CHARS = 600

_CLOSING = re.compile(
    r"\b(?:is|are) (?:an?|the) (?:[\w&-]+ ){0,6}"
    r"(?:firm|company|consultancy|agency|provider|organi[sz]ation)\b"
    r"|\b[\w.-]+@[\w-]+\.[a-z]{2,}\b|\blearn more\b|\bvisit (?:us|our)\b"
)


# Headings that close an article on a blog page: what follows them is the site's, not the digest's.
_END_OF_ARTICLE = re.compile(
    r"^(?:related (?:posts?|articles?|stories|reading|content)|you (?:may|might) also like|read next"
    r"|more (?:from|on) (?:the|our) (?:blog|site)|leave a (?:reply|comment)|post navigation"
    r"|(?:recent|popular|latest) (?:posts|articles)|comments?|\d+ (?:comments?|responses?|thoughts? on\b.*))$"
)


def is_end_of_article(text: str) -> bool:
    """True for a heading after which a blog page shows related posts, comments or navigation."""
    return _END_OF_ARTICLE.match(fold(text).strip(" .:|")) is not None


def is_closing_promotion(text: str) -> bool:
    """True for a publisher's closing blurb ("Kestrel Advisory is a global ... firm ..."), once no item
    follows it. Looser than ``is_noise``: inside the digest, such a sentence may be news."""
    return _CLOSING.search(fold(text)) is not None


def is_noise(text: str) -> bool:
    """True when a line is web-page furniture rather than digest content."""
    if len(text) > _MAX_NOISE_CHARS:
        return False
    folded = fold(text).strip(" .:|")
    if not folded:
        return False
    if folded in _NAV_LINES:
        return True
    return _NOISE.search(folded) is not None
