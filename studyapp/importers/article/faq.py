"""The FAQ block: questions and answers that run together, cut into pairs. PURE."""

from __future__ import annotations

import re

from studyapp.importers.article.values import ParsedFaq
from studyapp.importers.citations import split_at_citations
from studyapp.importers.problems import Problem

_CLOSERS = '”"’)'
# A sentence ends at `.`, `!` or `?` (and a closing quote) before a space or the end, or glued to a capital
# ("cost.Does"): never inside "6.4%" or after "e.g.".
_SENTENCE_END = re.compile(r"[.!?]+[”\"’)]*(?=\s|$)|(?<=[a-z0-9)])[.!?](?=[A-Z“])")
_NOT_SENTENCE_ENDS = frozenset({"e.g.", "i.e.", "etc.", "vs.", "approx.", "dr.", "cf.", "(e.g.", "(i.e."})


def split_sentences(text: str) -> list[str]:
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        words = text[start : match.end()].split()
        if words and words[-1].casefold() in _NOT_SENTENCE_ENDS:
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


def parse_faqs(lines: list[tuple[int, str]], problems: list[Problem]) -> list[ParsedFaq]:
    """Questions and answers run together: every sentence ending in `?` starts a new pair, and citation runs
    (`...early. Cleveland ClinicWebMDIs pain always present?`) are boundaries as well. A name inside a sentence
    (`Is the NHS programme free?`) is not a boundary."""
    faqs: list[ParsedFaq] = []
    question: tuple[int, str] | None = None
    answer: list[str] = []

    def close() -> None:
        if question is None:
            return
        text = " ".join(" ".join(answer).split())
        if not text:
            problems.append(Problem(question[0], f"The question {question[1]!r} has no answer."))
            return
        faqs.append(ParsedFaq(question=question[1], answer=text, line=question[0]))

    for number, line in lines:
        stray = False
        for segment in split_at_citations(line):
            for sentence in split_sentences(segment):
                if sentence.rstrip(_CLOSERS).endswith("?") and re.search(r"[A-Za-z]", sentence):
                    close()
                    question, answer = (number, sentence), []
                elif question is None:
                    stray = True
                else:
                    answer.append(sentence)
        if stray:
            problems.append(Problem(number, "FAQ text before the first question was skipped."))
    close()
    return faqs
