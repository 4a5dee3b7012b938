"""Parse a list-style patient-education article into sections, groups, items and FAQ pairs.

Pure: text in, a `ParsedArticle` out; no database. The template (see ../shared/seed/ and
tests/data/articles/family/) is an intro paragraph, then headings on their own lines, each followed by an
optional lead-in, one item per line (sometimes with a gloss or sub-groups), an optional closing sentence, and
finally a FAQ block whose questions and answers run together, a disclaimer, a byline and a "Last Updated" date.

    reader.py    read_article / parse_article: the article top to bottom (intro, sections, FAQ, date)
    headings.py  which lines are headings and the section kind each names (HEADING_SYNONYMS)
    lists.py     a section's lines sorted into notes, sub-groups and items
    entries.py   one list line as term and gloss, a sub-group's members, an item's stable key
    faq.py       the run-together FAQ cut into question and answer pairs
    values.py    ParsedArticle and its parts (with the JSON shape of bundled decks)

Callers import from `studyapp.importers.article`; the names below are its public API.
"""

from studyapp.importers.article.entries import item_key, normalise_term, split_term_gloss
from studyapp.importers.article.faq import split_sentences
from studyapp.importers.article.headings import HEADING_SYNONYMS, heading_kind, normalise_heading
from studyapp.importers.article.lists import MAX_ITEM_CHARS
from studyapp.importers.article.reader import parse_article, read_article
from studyapp.importers.article.values import ParsedArticle, ParsedFaq, ParsedGroup, ParsedItem, ParsedSection

__all__ = [
    "HEADING_SYNONYMS",
    "MAX_ITEM_CHARS",
    "ParsedArticle",
    "ParsedFaq",
    "ParsedGroup",
    "ParsedItem",
    "ParsedSection",
    "heading_kind",
    "item_key",
    "normalise_heading",
    "normalise_term",
    "parse_article",
    "read_article",
    "split_sentences",
    "split_term_gloss",
]
