"""Views of the quiz app, one module per area; urls.py imports them from here."""
