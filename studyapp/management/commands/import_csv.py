from studyapp.importers.csv import read_csv
from studyapp.management.flashcard_command import FlashcardImportCommand
from studyapp.services.imports import save_csv


class Command(FlashcardImportCommand):
    help = "Import a CSV/TSV file of flashcards (front, back, optional tags) as one deck."

    def import_file(self, *, data: bytes, **destination):
        return save_csv(parsed=read_csv(data), **destination)
