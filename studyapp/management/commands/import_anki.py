from studyapp.management.flashcard_command import FlashcardImportCommand
from studyapp.services.imports import import_anki


class Command(FlashcardImportCommand):
    help = "Import the notes of an Anki .apkg package (first field front, second back) as one deck."

    def import_file(self, **kwargs):
        return import_anki(**kwargs)
