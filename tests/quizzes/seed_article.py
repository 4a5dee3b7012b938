"""The seed article as a knowledge base, through the real importer's parser, for generator tests on its own
text (FAQ answers included). It reads the file at test time; nothing of the article is stored here."""

import itertools

from quizzes.knowledge import KnowledgeBase, KnowledgeItem, build_deck
from studyapp.importers.article import parse_article


def seed_article_kb(text: str) -> KnowledgeBase:
    parsed = parse_article(text)
    ids = itertools.count(1)
    sections = [
        (
            s.kind,
            s.heading,
            [KnowledgeItem(id=next(ids), term=i.term, gloss=i.gloss, group=i.group) for i in s.items],
        )
        for s in parsed.sections
    ]
    faqs = [KnowledgeItem(id=next(ids), term=f.question, answer=f.answer) for f in parsed.faqs]
    sections.append(("faq", parsed.faq_heading, faqs))
    return KnowledgeBase(decks=(build_deck(parsed.slug, parsed.title, sections),))
