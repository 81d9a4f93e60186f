"""Does a line read as commentary on the item above it rather than as news of its own?

Used only where a page lost the nesting that told analysis from items (every bullet at one depth with one
glyph, or paragraphs with no markers at all). Analysis speaks in the analyst's voice: a connective that
continues the thought ("Moreover, ...", "Still, ..."), a first-person or imperative assessment ("We expect
...", "Expect ...", "Kestrel assesses ..."), or a back-reference to the news with a hedge ("This likely
...", "The move could ..."). News items rarely open that way. A wrong "analysis" would hide an item inside
another, so the test is strict: anything unclear is an item.
"""

from __future__ import annotations

import re

from digestbot.parse.normalize import fold

# Connectives that continue a thought; the single words only with their comma ("Still, ..." but not
# "Still reeling from the floods, ...").
_CONNECTIVE = re.compile(
    r"^(?:(?:still|yet|notably|importantly|crucially|overall|thus|therefore|ultimately|regardless"
    r"|consequently|altogether|so|if so|of course|even so|that said|and yet|in short|in any case|all told"
    r"|either way|as such|zooming out|stepping back|looking ahead|going forward|on balance),"
    r"|(?:moreover|furthermore|nonetheless|nevertheless|in other words|taken together|all of this"
    r"|however we got here|with that in mind|in that case|whatever happens)\b)"
)
_ASSESSMENT = re.compile(
    r"^we(?: (?:now|still|also|continue to|do not|don't))? (?:expect|assess|believe|anticipate|judge|think"
    r"|see|doubt|are (?:watching|monitoring|continuing)|will be watching|remain)\b"
    r"|^expect (?:a|an|the|more|further|this|that|it|them|him|her|no|some|[a-z]+ to)\b"
    r"|^it (?:is|remains|seems|appears) (?:likely|unlikely|possible|probable|doubtful|too early|unclear)\b"
)
_BACK_REFERENCE = re.compile(
    r"^(?:this|these|that|such|the fact that|the (?:move|decision|change|deal|step|announcement"
    r"|development|shift|episode|outcome|result))\b"
    r"(?! (?:week|month|year|morning|afternoon|evening|weekend|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday)\b)"
)
_HEDGE = re.compile(
    r"\b(?:likely|unlikely|probably|could|might|may well|would|suggests?|signals?|indicates?|underscores?"
    r"|reflects?|means|expect|risks?)\b"
)


_LOOKED_AT = 200  # an opening, and a hedge in the first sentence or so


def reads_as_commentary(text: str) -> bool:
    """True when ``text`` reads as analysis of the item before it (see the module docstring)."""
    folded = fold(text[:_LOOKED_AT]).lstrip("\"'(")
    if _CONNECTIVE.match(folded) or _ASSESSMENT.match(folded):
        return True
    return _BACK_REFERENCE.match(folded) is not None and _HEDGE.search(folded) is not None
