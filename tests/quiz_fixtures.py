"""Knowledge bases for generator tests, built without the database.

SEED_LISTS holds the lists of the bundled seed article as facts (terms, glosses and sub-groups only; the FAQ
pairs are our own wording). STENOSIS_LISTS is an invented second deck that shares names with the first, so the
generator meets the cross-deck traps: `Ibuprofen` in both, `Lidocaine` inside `Lidocaine patch`, `opioid` inside
`opioid analgesic`, `Pain relief when leaning forward` inside a seed symptom.
"""

import itertools
import re

from quizzes.knowledge import KnowledgeBase, KnowledgeDeck, KnowledgeItem, build_deck

SEED_SLUG = "neoplastic-foraminal-narrowing"
SEED_TITLE = "Neoplastic foraminal narrowing"

# kind -> (heading, {group name or "": ["Term (gloss)", ...]})
SEED_LISTS = {
    "anatomy": (
        "Anatomy",
        {
            "Blood Supply": ["Radicular arteries", "Segmental medullary arteries", "Epidural venous system"],
            "Nerve Supply": ["Mixed spinal nerve", "Sinuvertebral nerves"],
        },
    ),
    "types": (
        "Types",
        {
            "By Region": [
                "Cervical foraminal narrowing (neck level)",
                "Thoracic foraminal narrowing (mid-back)",
                "Lumbar foraminal narrowing (lower back)",
            ],
            "Primary benign tumors": ["Schwannoma", "Neurofibroma", "Meningioma"],
            "Primary malignant tumors": ["Sarcoma", "Chordoma"],
            "Secondary (metastatic) tumors": ["Breast", "Prostate", "Lung", "Renal cell carcinoma"],
            "Hematologic": ["Lymphoma", "Plasmacytoma", "Multiple myeloma"],
            "Bone tumors": ["Osteoblastoma", "Osteoid osteoma", "Giant cell tumor"],
            "Other": ["Hemangioma", "Eosinophilic granuloma (Langerhans cell histiocytosis)"],
        },
    ),
    "causes": (
        "Causes",
        {
            "": [
                "Schwannoma",
                "Neurofibroma",
                "Meningioma",
                "Ependymoma",
                "Astrocytoma",
                "Chordoma",
                "Osteoblastoma",
                "Osteoid osteoma",
                "Giant cell tumor of bone",
                "Hemangioma",
                "Eosinophilic granuloma",
                "Lymphoma",
                "Plasmacytoma",
                "Multiple myeloma",
                "Metastatic breast carcinoma",
                "Metastatic prostate carcinoma",
                "Metastatic lung carcinoma",
                "Metastatic renal cell carcinoma",
                "Metastatic melanoma",
            ]
        },
    ),
    "symptoms": (
        "Symptoms",
        {
            "": [
                "Localized pain at the spinal level",
                "Radiating pain along the nerve’s path (e.g., sciatica)",
                "Numbness or reduced sensation",
                "Tingling or “pins and needles”",
                "Muscle weakness in the limb served by that nerve",
                "Muscle atrophy over time",
                "Loss of reflexes (hyporeflexia)",
                "Increased reflexes (hyperreflexia) if spinal cord involved",
                "Gait disturbance or balance problems",
                "Difficulty using the hand or foot",
                "Loss of bladder control (in severe cases)",
                "Loss of bowel control (in severe cases)",
                "Shooting, electric-shock sensations",
                "Pain that worsens with standing or walking",
                "Pain relief when leaning forward or sitting",
                "Neck stiffness (cervical involvement)",
                "Weak grip strength",
                "Foot drop (in lumbar cases)",
                "Sensitivity to touch over the dermatome",
                "Sleep disturbances from night pain",
            ]
        },
    ),
    "diagnostic_tests": (
        "Diagnostic Tests",
        {
            "": [
                "Detailed neurological exam (strength, reflexes, sensation)",
                "Medical history (onset, progression, cancer history)",
                "Plain X-rays (bone alignment, gross lesions)",
                "MRI of the spine (soft tissue, nerve root visualization)",
                "CT scan (bone detail, bony invasion)",
                "CT myelography (when MRI contraindicated)",
                "PET-CT scan (metabolic activity of tumor)",
                "Bone scan (osteoblastic activity)",
                "Serum protein electrophoresis (myeloma)",
                "Tumor markers (PSA, CEA, CA 15-3)",
                "Complete blood count (anemia, infection)",
                "Erythrocyte sedimentation rate (inflammation)",
                "C-reactive protein (inflammation)",
                "Serum calcium (bone turnover)",
                "Electromyography (EMG)",
                "Nerve conduction studies (nerve function)",
                "CT-guided percutaneous biopsy (tissue diagnosis)",
                "Open surgical biopsy (when needle biopsy insufficient)",
                "Cerebrospinal fluid analysis (in select hematologic tumors)",
                "PET/MRI fusion imaging (combined metabolic and anatomic)",
            ]
        },
    ),
    "non_drug_treatments": (
        "Non-Pharmacological Treatments",
        {
            "": [
                "Physical therapy exercises (stretching, strengthening)",
                "Core stabilization programs",
                "Posture correction training",
                "Ergonomic workplace modifications",
                "Weight management and healthy diet",
                "Heat therapy (warm packs)",
                "Cold therapy (ice packs)",
                "Transcutaneous electrical nerve stimulation (TENS)",
                "Ultrasound therapy",
                "Electrical muscle stimulation",
                "Spinal traction (mechanical decompression)",
                "Inversion table therapy",
                "Aquatic therapy (water-based exercises)",
                "Neural mobilization techniques",
                "Supportive bracing (corsets, collars)",
                "Yoga for flexibility and strength",
                "Pilates for core control",
                "Chiropractic spinal adjustments",
                "Massage therapy",
                "Acupuncture",
                "Dry needling",
                "Kinesio taping for posture support",
                "Tai Chi for balance and flow",
                "Biofeedback for muscle relaxation",
                "Cognitive behavioral therapy (pain coping)",
                "Mindfulness meditation",
                "Relaxation and breathing techniques",
                "Soft tissue mobilization",
                "Functional electrical stimulation",
                "Walking and graduated aerobic programs",
            ]
        },
    ),
    "drugs": (
        "Drug Treatments",
        {
            "": [
                "Ibuprofen (NSAID)",
                "Naproxen (NSAID)",
                "Diclofenac (NSAID)",
                "Celecoxib (COX-2 inhibitor)",
                "Acetaminophen",
                "Tramadol (opioid analgesic)",
                "Gabapentin (antineuropathic)",
                "Pregabalin (antineuropathic)",
                "Amitriptyline (TCA)",
                "Nortriptyline (TCA)",
                "Duloxetine (SNRI)",
                "Carbamazepine (anticonvulsant)",
                "Oxcarbazepine (anticonvulsant)",
                "Baclofen (muscle relaxant)",
                "Cyclobenzaprine (muscle relaxant)",
                "Dexamethasone (oral steroid)",
                "Methylprednisolone (oral steroid)",
                "Epidural steroid injection (methylprednisolone)",
                "Lidocaine patch (topical anesthetic)",
                "Capsaicin cream (topical counter-irritant)",
            ]
        },
    ),
    "surgeries": (
        "Surgical Options",
        {
            "": [
                "Posterior decompressive laminectomy",
                "Unilateral or bilateral facetectomy with foraminal decompression",
                "Micro-foraminotomy (minimally invasive)",
                "Endoscopic spinal decompression",
                "Anterior cervical discectomy and fusion (ACDF)",
                "Posterolateral fusion with instrumentation",
                "Corpectomy with cage placement",
                "Hemilaminectomy",
                "Minimally invasive tubular foraminotomy",
                "Spinal stabilization with pedicle screw fixation",
            ]
        },
    ),
    "prevention": (
        "Prevention Strategies",
        {
            "": [
                "Regular cancer screenings (mammograms, PSA tests)",
                "Smoking cessation (reduces tumor risk)",
                "Balanced diet rich in fruits and vegetables",
                "Regular exercise for bone and muscle health",
                "Maintain healthy body weight",
                "Minimize occupational exposures (chemicals, radiation)",
                "Adequate vitamin D and calcium intake",
                "Control chronic inflammation (arthritis management)",
                "Prompt treatment of spinal infections or trauma",
                "Genetic counseling for hereditary cancer syndromes",
            ]
        },
    ),
    "when_to_see_doctor": (
        "When to See a Doctor",
        {
            "": [
                "Severe, unrelenting back or neck pain",
                "Progressive weakness or numbness in arms or legs",
                "Loss of bladder or bowel control",
                "Unexplained weight loss or night sweats",
                "History of cancer with new spinal symptoms",
            ]
        },
    ),
}

# Our own wording, not the article's.
SEED_FAQ = [
    ("Which imaging test shows soft-tissue tumours best?", "MRI of the spine."),
    ("Why is a biopsy taken?", "To name the tumour type, which decides the treatment."),
    ("Does physical therapy shrink the tumour?", "No; it eases pain and keeps mobility."),
    ("Roughly how long does healing take after surgery?", "About six to twelve weeks, then rehabilitation."),
    (
        "Can long compression harm the nerve for good?",
        "Yes, untreated compression can injure it permanently.",
    ),
    ("What should happen first when the condition is suspected?", "A doctor's examination and an MRI."),
]

STENOSIS_SLUG = "lumbar-spinal-stenosis"
STENOSIS_TITLE = "Lumbar spinal stenosis"

STENOSIS_LISTS = {
    "types": (
        "Types",
        {
            "By location": ["Central canal stenosis", "Lateral recess stenosis", "Foraminal stenosis"],
            "Acquired causes": ["Degenerative spondylosis", "Post-surgical scarring"],
        },
    ),
    "causes": (
        "Causes",
        {
            "": [
                "Degenerative disc disease",
                "Facet joint arthritis",
                "Spondylolisthesis",
                "Ligamentum flavum hypertrophy",
                "Osteophyte formation",
                "Paget disease of bone",
                "Achondroplasia",
                "Multiple myeloma",
                "Previous spinal surgery",
            ]
        },
    ),
    "symptoms": (
        "Symptoms",
        {
            "": [
                "Neurogenic claudication",
                "Low back pain",
                "Leg numbness",
                "Leg heaviness when standing",
                "Pain relief when leaning forward",
                "Cramping in the calves",
            ]
        },
    ),
    "diagnostic_tests": (
        "Diagnostic Tests",
        {
            "": [
                "MRI of the lumbar spine",
                "Flexion-extension X-rays",
                "CT myelography",
                "Ankle-brachial index (vascular claudication)",
                "Treadmill walking test",
            ]
        },
    ),
    "drugs": (
        "Drug Treatments",
        {
            "": [
                "Ibuprofen (NSAID)",
                "Meloxicam (NSAID)",
                "Prednisone (oral steroid)",
                "Morphine (opioid)",
                "Lidocaine (local anesthetic)",
                "Calcitonin (hormone)",
                "Venlafaxine (SNRI)",
                "Tizanidine (muscle relaxant)",
            ]
        },
    ),
    "surgeries": (
        "Surgical Options",
        {
            "": [
                "Lumbar laminectomy",
                "Interspinous process spacer",
                "Laminotomy",
                "Hemilaminectomy",
                "Instrumented spinal fusion",
            ]
        },
    ),
}

STENOSIS_FAQ = [
    ("Is walking uphill easier than downhill?", "Usually yes, because leaning forward opens the canal."),
    ("Is surgery always needed?", "No; many people improve with exercise and medicines."),
    ("Does stenosis affect both legs?", "Often, but one leg can be worse."),
]

_TERM_GLOSS = re.compile(r"^(?P<term>.*?)\s*\((?P<gloss>[^()]*)\)$")


def _item(ids, text: str, *, group: str = "", answer: str = "") -> KnowledgeItem:
    match = _TERM_GLOSS.match(text)
    term, gloss = (match["term"], match["gloss"]) if match else (text, "")
    return KnowledgeItem(id=next(ids), term=term, gloss=gloss, group=group, answer=answer)


def make_deck(
    slug: str, title: str, lists: dict, faq: list[tuple[str, str]], *, first_id: int
) -> KnowledgeDeck:
    ids = itertools.count(first_id)
    sections = [
        (kind, heading, [_item(ids, text, group=group) for group, texts in groups.items() for text in texts])
        for kind, (heading, groups) in lists.items()
    ]
    if faq:
        sections.append(("faq", "Frequently Asked Questions", [_item(ids, q, answer=a) for q, a in faq]))
    return build_deck(slug, title, sections)


def seed_deck() -> KnowledgeDeck:
    return make_deck(SEED_SLUG, SEED_TITLE, SEED_LISTS, SEED_FAQ, first_id=1)


def stenosis_deck() -> KnowledgeDeck:
    return make_deck(STENOSIS_SLUG, STENOSIS_TITLE, STENOSIS_LISTS, STENOSIS_FAQ, first_id=1001)


def seed_kb() -> KnowledgeBase:
    return KnowledgeBase(decks=(seed_deck(),))


def two_deck_kb() -> KnowledgeBase:
    return KnowledgeBase(decks=(seed_deck(), stenosis_deck()))
