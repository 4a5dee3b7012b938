"""Anki packages built in the tests with the official `anki` package (a dev-only dependency: AGPL, never
imported by the app) and with genanki. Each builder writes into a folder and returns the package's path."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from pathlib import Path

# A 2x2 PNG and a tiny "sound" (any bytes: nothing decodes it here).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg=="
)
SOUND = b"ID3fake-mp3-bytes"

DAY = 86400


@dataclass
class Built:
    path: Path
    notes: int
    cards: int
    media: int
    reviews: int  # answers in the review log (ease 1-4)
    suspended: int = 0
    flagged: int = 0


def _note(col, notetype: str, deck_id, values: dict, tags=()):
    note = col.new_note(col.models.by_name(notetype))
    for name, value in values.items():
        note[name] = value
    note.tags = list(tags)
    col.add_note(note, deck_id)
    return note


def rich_collection(folder: Path, *, fsrs: bool = True, history: bool = True):
    """A collection with every note type the importer supports, media, maths, lists and tables, look-alike
    fronts, a 3-field type, reviews with FSRS state, a suspended, a flagged and a buried card. Returns the
    open anki Collection (the caller exports and closes it)."""
    from anki.collection import Collection

    col = Collection(str(folder / "rich.anki2"))
    col.set_config("fsrs", fsrs)
    (folder / "heart.png").write_bytes(PNG)
    (folder / "murmur.mp3").write_bytes(SOUND)
    image = col.media.add_file(str(folder / "heart.png"))
    sound = col.media.add_file(str(folder / "murmur.mp3"))
    deck = col.decks.id("Cardiology::Drugs")
    _note(
        col,
        "Basic",
        deck,
        {
            "Front": "ACE inhibitor side effects",
            "Back": "<ul><li>Dry cough</li><li>Angioedema</li><li>Hyperkalaemia</li></ul>",
        },
        ["pharm"],
    )
    _note(
        col,
        "Basic",
        deck,
        {
            "Front": "Beta blocker classes",
            "Back": "<table><tr><th>Drug</th><th>Class</th></tr><tr><td>Atenolol</td><td>β1-selective</td></tr></table>",
        },
    )
    _note(col, "Basic", deck, {"Front": "Na+ channel blocker", "Back": "Class I antiarrhythmic"})
    _note(col, "Basic", deck, {"Front": "Na channel blocker", "Back": "Lidocaine (class Ib)"})
    _note(col, "Basic", deck, {"Front": "Consumer", "Back": "Heterotroph"})
    _note(col, "Basic", deck, {"Front": "Consumer", "Back": "Eats other organisms"})
    _note(
        col,
        "Basic",
        deck,
        {"Front": f'Identify this structure: <img src="{image}">', "Back": "Left ventricle"},
    )
    _note(col, "Basic", deck, {"Front": f"Which murmur? [sound:{sound}]", "Back": "Aortic stenosis"})
    _note(
        col,
        "Basic",
        deck,
        {"Front": r"Clearance: \(\frac{U \times V}{P}\)", "Back": r"[$]GFR \approx 120[/$] mL/min"},
    )
    _note(
        col,
        "Basic",
        deck,
        {
            "Front": "<script>alert(1)</script><b onclick='x()'>Safe?</b>",
            "Back": "<i>yes</i><style>b{}</style>",
        },
    )
    _note(col, "Basic (and reversed card)", deck, {"Front": "Digoxin", "Back": "Na/K-ATPase inhibitor"})
    _note(
        col,
        "Basic (optional reversed card)",
        deck,
        {"Front": "Amiodarone", "Back": "Class III", "Add Reverse": "y"},
    )
    _note(
        col,
        "Basic (optional reversed card)",
        deck,
        {"Front": "Adenosine", "Back": "A1 agonist", "Add Reverse": ""},
    )
    _note(col, "Basic (type in the answer)", deck, {"Front": "Antidote to heparin?", "Back": "Protamine"})
    _note(
        col,
        "Cloze",
        deck,
        {"Text": "{{c1::Aspirin::drug}} irreversibly inhibits {{c2::COX-1}}", "Back Extra": ""},
    )
    _note(
        col,
        "Cloze",
        deck,
        {
            "Text": "{{c1::Warfarin inhibits {{c2::vitamin K epoxide reductase}}}}",
            "Back Extra": "Monitor INR",
        },
    )
    _note(col, "Cloze", deck, {"Text": "{{c1,2::Statins}} lower {{c3::LDL}}", "Back Extra": ""})
    occlusions = (
        "{{c1::image-occlusion:rect:left=.1:top=.2:width=.3:height=.1:oi=1}}"
        "{{c2::image-occlusion:ellipse:left=.5:top=.5:rx=.1:ry=.2:oi=1}}"
    )
    _note(
        col,
        "Image Occlusion",
        deck,
        {"Occlusion": occlusions, "Image": f'<img src="{image}">', "Header": "Heart"},
    )
    # A note type of our own with three fields: the hint must not become the answer.
    three = col.models.new("Three fields")
    for name in ("Question", "Hint", "Answer"):
        col.models.add_field(three, col.models.new_field(name))
    template = col.models.new_template("Card 1")
    template["qfmt"] = "{{Question}}{{#Hint}}<br>{{hint:Hint}}{{/Hint}}"
    template["afmt"] = "{{FrontSide}}<hr id=answer>{{Answer}}"
    col.models.add_template(three, template)
    col.models.add(three)
    _note(
        col,
        "Three fields",
        deck,
        {"Question": "First-line drug in anaphylaxis", "Hint": "a catecholamine", "Answer": "Adrenaline IM"},
    )
    cards = col.find_cards("")
    if history:
        _answer_some(col, cards)
        col.sched.suspend_cards([cards[1]])
        col.set_user_flag_for_cards(1, [cards[2]])
        col.sched.bury_cards([cards[3]])
    return col


def _answer_some(col, cards):
    """Answer three cards: one Good twice, one Again then Good, one Easy; plus a manual reschedule entry."""
    plan = {cards[0]: [3, 3], cards[4]: [1, 3], cards[5]: [4]}
    for card_id, ratings in plan.items():
        for rating in ratings:
            card = col.get_card(card_id)
            card.start_timer()
            col.sched.answerCard(card, rating)


def export_all(col, folder: Path) -> dict[str, Path]:
    """Export as .apkg (current format), legacy .apkg (collection.anki21) and .colpkg, which closes `col`."""
    from anki.collection import ExportAnkiPackageOptions

    paths = {
        "colpkg": folder / "rich.colpkg",
        "apkg": folder / "rich.apkg",
        "legacy": folder / "rich-legacy.apkg",
    }
    options = ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=True, with_media=True, legacy=False
    )
    col.export_anki_package(out_path=str(paths["apkg"]), options=options, limit=None)
    options.legacy = True
    col.export_anki_package(out_path=str(paths["legacy"]), options=options, limit=None)
    col.export_collection_package(str(paths["colpkg"]), include_media=True, legacy=False)
    return paths


def counts(col) -> dict:
    return {
        "notes": col.note_count(),
        "cards": col.card_count(),
        "reviews": col.db.scalar("select count() from revlog where ease between 1 and 4"),
        "suspended": col.db.scalar("select count() from cards where queue = -1"),
        "flagged": col.db.scalar("select count() from cards where flags & 7 != 0"),
        "media": len(col.media.check().unused) + 0,
    }


def genanki_package(folder: Path, notes: list[tuple[str, str]], *, name: str = "made.apkg") -> Path:
    """A plain genanki deck (what many shared decks are made with): Basic notes, fixed GUIDs."""
    import genanki

    model = genanki.Model(
        1607392319,
        "Simple",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
    )
    deck = genanki.Deck(2059400110, "Made")
    for front, back in notes:
        deck.add_note(genanki.Note(model=model, fields=[front, back], guid=genanki.guid_for(front)))
    path = folder / name
    genanki.Package(deck).write_to_file(str(path), timestamp=time.time())
    return path


# --- A shared medical deck, as students trade them ---------------------------------------------------------

IMAGE_NAME = "heart diagram é.png"  # spaces and a non-ASCII letter, as pasted on a phone
SOUND_NAME = "murmur 1.mp3"
ANKING_FIELDS = ("Text", "Extra", "Lecture Notes", "Missed Questions", "One by one")
MED_FIELDS = ("Front", "Back", "Mnemonic", "Image", "Reverse")
ANKING_CSS = (
    ".card { font-family: Arial; background-color: #D1CFCE; }\n.cloze { color: blue; font-weight: bold; }"
)


def _anking_notetype(col):
    notetype = col.models.new("AnKingOverhaul")
    notetype["type"] = 1  # cloze
    for name in ANKING_FIELDS:
        col.models.add_field(notetype, col.models.new_field(name))
    template = col.models.new_template("AnKing")
    template["qfmt"] = '{{cloze:Text}}\n<div id="extra">{{#Extra}}{{/Extra}}</div>'
    template["afmt"] = (
        '{{cloze:Text}}\n<br>{{#Extra}}<div id="extra">{{Extra}}</div>{{/Extra}}\n'
        "{{#Lecture Notes}}{{hint:Lecture Notes}}{{/Lecture Notes}}\n"
        "{{#Missed Questions}}{{hint:Missed Questions}}{{/Missed Questions}}"
    )
    col.models.add_template(notetype, template)
    notetype["css"] = ANKING_CSS
    col.models.add(notetype)


def _med_basic_notetype(col):
    """Many fields, a type-in answer, `{{^…}}` and `{{text:…}}`, and an optional second card whose front is
    empty unless Reverse is filled (Anki makes no such card)."""
    notetype = col.models.new("MedBasic")
    for name in MED_FIELDS:
        col.models.add_field(notetype, col.models.new_field(name))
    forward = col.models.new_template("Forward")
    forward["qfmt"] = "{{Front}}{{^Mnemonic}}<br><i>no mnemonic</i>{{/Mnemonic}}<br>{{type:Back}}"
    forward["afmt"] = (
        "{{FrontSide}}<hr id=answer>{{type:Back}}<br>{{text:Back}}"
        "{{#Mnemonic}}<br>{{hint:Mnemonic}}{{/Mnemonic}}{{Image}}"
    )
    reverse = col.models.new_template("Reverse")
    reverse["qfmt"] = "{{#Reverse}}{{Back}}{{/Reverse}}"
    reverse["afmt"] = "{{FrontSide}}<hr id=answer>{{Front}}"
    col.models.add_template(notetype, forward)
    col.models.add_template(notetype, reverse)
    col.models.add(notetype)


def medical_collection(folder: Path, *, fsrs: bool = True):
    """A shared medical deck: nested decks and an empty one, an AnKing-style cloze type (hints, 20 clozes,
    nested, coloured spans, hierarchical tags), a many-field type, media with spaces in their names, sound,
    LaTeX, a leech; then history: learning, relearning and review cards, a manual reschedule (revlog type 4),
    a suspended, a buried and a flagged card, and a cram deck without rescheduling holding the Renal cards
    (odid/odue set; one answered there, revlog type 3). Returns the open Collection."""
    from anki.collection import Collection

    col = Collection(str(folder / "med.anki2"))
    col.set_config("fsrs", fsrs)
    (folder / IMAGE_NAME).write_bytes(PNG)
    (folder / SOUND_NAME).write_bytes(SOUND)
    image = col.media.add_file(str(folder / IMAGE_NAME))
    sound = col.media.add_file(str(folder / SOUND_NAME))
    assert (image, sound) == (IMAGE_NAME, SOUND_NAME)
    drugs = col.decks.id("Med::Cardio::Drugs")
    physiology = col.decks.id("Med::Cardio::Physiology")
    renal = col.decks.id("Med::Renal")
    col.decks.id("Med::Empty")
    _anking_notetype(col)
    _med_basic_notetype(col)
    _note(
        col,
        "AnKingOverhaul",
        drugs,
        {
            "Text": "{{c1::Metoprolol::drug}} is a {{c2::β1-selective}}&nbsp;blocker &amp; lowers {{c3::HR}}",
            "Extra": "<table><tr><td>HR</td><td>&darr;</td></tr></table>",
            "Lecture Notes": "<ul><li>Slide 12</li></ul>",
        },
        ["#AK_Step1_v12::#B&B::Cardio", "#AK_Step1_v12::!FreeResources::Pathoma"],
    )
    _note(col, "AnKingOverhaul", drugs, {"Text": " ".join(f"{{{{c{i}::w{i}}}}}" for i in range(1, 21))})
    _note(
        col,
        "AnKingOverhaul",
        physiology,
        {"Text": "{{c1::Preload {{c2::increases}} with venous return}}", "Missed Questions": "UW 1234"},
    )
    _note(
        col,
        "AnKingOverhaul",
        physiology,
        {"Text": '<span style="color: rgb(255, 0, 0); font-weight: bold;">{{c1::Starling}}</span> law'},
    )
    _note(
        col,
        "MedBasic",
        renal,
        {
            "Front": "Loop diuretic site",
            "Back": "Thick ascending limb",
            "Image": f'<img src="{image}">',
            "Reverse": "y",
        },
    )
    _note(col, "MedBasic", renal, {"Front": "Thiazide site", "Back": "DCT", "Mnemonic": "D for Distal"})
    _note(
        col,
        "Basic",
        renal,
        {"Front": f"Listen [sound:{sound}]", "Back": r"[$]\frac{a}{b}[/$] and [latex]x^2[/latex]"},
    )
    _note(
        col,
        "Basic",
        renal,
        {"Front": "<ol><li>one</li><li>two</li></ol> &lt;tag&gt; &eacute;", "Back": "x"},
        ["leech"],
    )
    _note(col, "Basic (and reversed card)", physiology, {"Front": "SA node", "Back": "Pacemaker"})
    _note(col, "Basic", physiology, {"Front": f"[sound:{sound}]", "Back": "Aortic stenosis"})  # heart sounds
    cards = col.find_cards("", order="c.id")
    for index, card_id in enumerate(cards[:12]):
        for rating in [3, 3, 3] if index % 3 == 0 else [1, 3] if index % 3 == 1 else [1]:
            card = col.get_card(card_id)
            card.start_timer()
            col.sched.answerCard(card, rating)
    lapsed = col.get_card(cards[3])  # a review card forgotten: relearning, due in seconds
    lapsed.start_timer()
    col.sched.answerCard(lapsed, 1)
    # The last note added is moved to the front of the new cards (decks are reordered by topic).
    col.sched.reposition_new_cards(
        [cards[-1]], starting_from=0, step_size=1, randomize=False, shift_existing=True
    )
    col.sched.set_due_date([cards[0]], "3")  # a manual reschedule: revlog type 4, ease 0
    col.sched.suspend_cards([cards[13]])
    col.sched.bury_cards([cards[14]], manual=True)
    col.set_user_flag_for_cards(2, [cards[15]])
    cram = col.decks.new_filtered("Cram")
    config = col.decks.get(cram)
    config["resched"] = False
    config["terms"] = [["deck:Med::Renal", 100, 0]]
    col.decks.save(config)
    col.sched.rebuild_filtered_deck(cram)
    crammed = col.get_card(col.find_cards("deck:Cram", order="c.id")[0])
    crammed.start_timer()
    col.sched.answerCard(crammed, 3)  # revlog type 3: a cram answer that changes nothing
    return col


def anki_view(col) -> dict[tuple[str, int], dict]:
    """What Anki itself says of each card, keyed by (note GUID, template ordinal)."""
    view = {}
    for card_id in col.find_cards(""):
        card = col.get_card(card_id)
        note = card.note()
        memory = card.memory_state
        view[(note.guid, card.ord)] = {
            "question": card.question(),
            "answer": card.answer(),
            "fields": dict(note.items()),
            "notetype": note.note_type()["name"],
            "deck": col.decks.name(card.odid or card.did),
            "type": card.type,
            "queue": card.queue,
            "due": card.odue if card.odid else card.due,
            "flag": card.user_flag(),
            "reps": card.reps,
            "lapses": card.lapses,
            "leech": note.has_tag("leech"),
            "stability": memory.stability if memory else None,
            "answers": col.db.scalar(
                "select count() from revlog where cid = ? and ease between 1 and 4 and type < 3", card_id
            ),
        }
    return view
