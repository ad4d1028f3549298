"""How alike two activities' texts are (no Django here): the words of a title or description,
normalized, and the token-set Jaccard similarity of two such sets.

docs/analytics.md, "Redundancy", defines every step; tests/analytics/test_redundancy.py checks
them without a database. In short:

- **Words.** Accents are removed (é -> e, œ -> oe), case is folded, and the text is cut at
  every character that is not a letter or a digit. Single characters (the l' and d' of
  French elisions), numbers (years, editions, codes: they say which edition, not what it is
  about) and English and French stop words are dropped. What is left is a *set*: a word
  said twice counts once.
- **Similarity.** |A & B| / |A | B| (Jaccard), from 0 (no word in common) to 1 (the same words);
  undefined (None) when either side has no words left to compare.
- **Two languages.** An activity may have English and French texts; two activities are as
  alike as their most alike language: the larger of the English-English and French-French
  similarities that are defined.
- **Score.** The weighted mean of the title and description similarities
  (TITLE_WEIGHT, TEXT_WEIGHT), over those that are defined.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Letters that Unicode decomposition leaves whole.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "\u0131": "i"})
_WORD = re.compile(r"[^\W_]+")
_ASCII_CUT = bytes(c if chr(c).isalnum() else ord(" ") for c in range(256))

_ENGLISH = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just me more most my no nor not now of off on once only or other our ours out over
    own per same she should so some such than that the their theirs them then there these
    they this those through to too under until up upon very via was we were what when where
    which while who whom why will with within without would you your yours
"""
# Written without accents: words are compared after accents are removed.
_FRENCH = """
    a afin ainsi apres au aupres aussi autre aux avant avec c ce ceci cela celle celles celui
    ces cet cette ceux chez comme d dans de depuis des donc dont du elle elles en entre et
    etaient etait ete etre eux il ils j je l la le les leur leurs lors lui m ma mais me meme
    mes moi mon n ne ni nos notre nous on ont ou par parmi pas pour qu quand que quel quelle
    quels quelles qui s sa sans se selon ses si son sont sous sur t ta te tes toi ton tous
    tout toute toutes tu un une vers vos votre vous y
"""
ENGLISH_STOP_WORDS = frozenset(_ENGLISH.split())
FRENCH_STOP_WORDS = frozenset(_FRENCH.split())
STOP_WORDS = ENGLISH_STOP_WORDS | FRENCH_STOP_WORDS

# The score: how much the titles and the descriptions weigh (docs/analytics.md).
TITLE_WEIGHT = 0.6
TEXT_WEIGHT = 0.4

Words = frozenset[str]


def normalize(text: str) -> str:
    """The text without accents, in folded case ("Défense" -> "defense")."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


def words(text: str) -> Words:
    """The set of significant words of a text (see the module's docstring)."""
    text = normalize(text)
    if text.isascii():
        # The same cut as _WORD's, many times faster: every ASCII byte that is not a letter
        # or a digit becomes a space.
        found = set(text.encode("ascii").translate(_ASCII_CUT).decode("ascii").split())
    else:
        found = set(_WORD.findall(text))
    found -= STOP_WORDS
    return frozenset([w for w in found if len(w) > 1 and not w.isdigit()])


def jaccard(a: Words, b: Words) -> float | None:
    """|a & b| / |a | b|; None when either set is empty (nothing to compare)."""
    if not a or not b:
        return None
    common = len(a & b)
    return common / (len(a) + len(b) - common)


def best(similarities: Iterable[float | None]) -> float | None:
    """The largest of the defined similarities (one per language); None when none is."""
    defined = [s for s in similarities if s is not None]
    return max(defined) if defined else None


def bilingual(a: tuple[Words, Words], b: tuple[Words, Words]) -> float | None:
    """The similarity of two texts given as (English words, French words): the larger of the
    English-English and French-French similarities that are defined."""
    return best((jaccard(a[0], b[0]), jaccard(a[1], b[1])))


def score(title: float | None, text: float | None) -> float | None:
    """TITLE_WEIGHT * title + TEXT_WEIGHT * text, over the similarities that are defined
    (the weights of those that are not are left out, not counted as 0); None when neither
    is."""
    if title is None and text is None:
        return None
    if text is None:
        return title
    if title is None:
        return text
    return (TITLE_WEIGHT * title + TEXT_WEIGHT * text) / (TITLE_WEIGHT + TEXT_WEIGHT)
