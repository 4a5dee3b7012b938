"""Where the tests find their data: the repository's own files, and ../shared beside the checkout."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARTICLES = REPO / "tests" / "data" / "articles"
BUNDLED_DECKS = REPO / "studyapp" / "data"
SHARED = REPO.parent / "shared"
# Articles of the site's whole family (other conditions, other headings, CRLF, Windows-1252, residue variants):
# read them as bytes, through `read_article`, as an upload is.
FAMILY = ARTICLES / "family"
