from studyapp.management.flashcard_command import FlashcardImportCommand
from studyapp.services.imports import import_csv


class Command(FlashcardImportCommand):
    help = "Import a CSV/TSV file of flashcards (front, back, optional tags) as one deck."

    def import_file(self, **kwargs):
        result, _parsed = import_csv(**kwargs)
        return result
