"""Demo users: an admin, an editor, four teachers with generated portraits, specialties and
levels taught, one student with a level history; the teacher specialties and the placement
quiz questions editors manage."""

import io
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from . import roles
from .levels import SKILLS
from .models import LevelRecord, PlacementAnswer, PlacementQuestion, Specialty
from .progress.models import LevelSource
from .uploads import process_photo

DEMO_PASSWORD = "petit-talk-demo"  # noqa: S105 - printed for local demo use only
STUDENT_EMAIL = "student@petittalk.example"

SPECIALTIES = [
    ("conversation", "Conversation", "Speak from the first lesson: everyday topics, real talk."),
    ("exam-prep", "Exam preparation (DELF/DALF)", "Practice papers and mock orals."),
    ("business", "Business French", "Meetings, emails, presentations and interviews."),
    ("beginners", "Beginners", "Your first words and sentences, with a good accent."),
    ("grammar", "Grammar", "Clear explanations and plenty of practice."),
]

TEACHERS = [
    {
        "email": "camille@petittalk.example",
        "display_name": "Camille Martin",
        "slug": "camille-martin",
        "specialties": ["conversation", "beginners"],
        "levels": ("A1", "C1"),
        "colour": (196, 78, 82),
        "languages": "French, English, Spanish",
        "bio": (
            "Parisienne and former radio presenter, I help adults find the confidence to "
            "speak French in real conversations: cafés, meetings and family dinners."
        ),
        "favourite_books": "L'Étranger (Camus)\nLe Petit Prince (Saint-Exupéry)",
        "favourite_films": "Amélie\nLes Intouchables",
        "favourite_words": "flâner, dépaysement",
        "favourite_songs": "La Vie en rose (Édith Piaf)",
    },
    {
        "email": "julien@petittalk.example",
        "display_name": "Julien Bernard",
        "slug": "julien-bernard",
        "specialties": ["grammar", "conversation"],
        "levels": ("A2", "C2"),
        "colour": (59, 110, 165),
        "languages": "French, English, German",
        "bio": (
            "From Lyon, I teach grammar without tears: clear explanations, lots of practice "
            "and plenty of stories about French food."
        ),
        "favourite_books": "Les Misérables (Hugo)",
        "favourite_films": "Le Dîner de cons",
        "favourite_words": "chouette, bouquiner",
        "favourite_songs": "Ne me quitte pas (Jacques Brel)",
        "price_override_cents": 2200,
    },
    {
        "email": "lea@petittalk.example",
        "display_name": "Léa Dubois",
        "slug": "lea-dubois",
        "specialties": ["exam-prep", "beginners"],
        "levels": ("A1", "C2"),
        "colour": (76, 140, 95),
        "languages": "French, English, Italian",
        "bio": (
            "I prepare students for DELF and DALF exams and love helping beginners say "
            "their first sentences with a good accent."
        ),
        "favourite_books": "Bonjour tristesse (Sagan)",
        "favourite_films": "La Haine",
        "favourite_words": "retrouvailles",
        "favourite_songs": "Alors on danse (Stromae)",
    },
    {
        "email": "antoine@petittalk.example",
        "display_name": "Antoine Moreau",
        "slug": "antoine-moreau",
        "specialties": ["business", "conversation"],
        "levels": ("B1", "C2"),
        "colour": (138, 96, 160),
        "languages": "French, English",
        "bio": (
            "Born in Marseille, I teach business French and everyday slang so you understand "
            "what people really say."
        ),
        "favourite_books": "Astérix",
        "favourite_films": "Bienvenue chez les Ch'tis",
        "favourite_words": "bref, ouf",
        "favourite_songs": "Je veux (Zaz)",
    },
]


def ensure_user(email, *, display_name, group=None, superuser=False):
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            is_staff=superuser,
            is_superuser=superuser,
        )
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )
    profile = user.profile
    if profile.display_name != display_name:
        profile.display_name = display_name
        profile.save(update_fields=["display_name"])
    if group:
        roles.add_to_group(user, group)
    return user


def portrait(display_name, colour):
    """A simple generated portrait: coloured background, head and shoulders, initials."""
    size = 600
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 70) for c in colour)
    draw.ellipse((size * 0.3, size * 0.14, size * 0.7, size * 0.54), fill=light)
    draw.ellipse((size * 0.12, size * 0.6, size * 0.88, size * 1.3), fill=light)
    initials = "".join(part[0] for part in display_name.split()[:2]).upper()
    font = ImageFont.load_default(size=110)
    draw.text((size / 2, size * 0.34), initials, fill=colour, font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("portrait.png", buffer.getvalue(), content_type="image/png")


def _update_profile(profile, values):
    changed = [name for name, value in values.items() if getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, values[name])
    if changed:
        profile.save(update_fields=changed)


def ensure_teacher(spec):
    user = ensure_user(spec["email"], display_name=spec["display_name"], group=roles.TEACHERS)
    profile = user.profile
    values = {
        name: spec.get(name, "")
        for name in (
            "slug",
            "languages",
            "bio",
            "favourite_books",
            "favourite_films",
            "favourite_words",
            "favourite_songs",
        )
    }
    values["timezone"] = "Europe/Paris"
    values["price_override_cents"] = spec.get("price_override_cents")
    values["lowest_level_taught"], values["highest_level_taught"] = spec["levels"]
    _update_profile(profile, values)
    if not profile.specialties.exists():
        profile.specialties.set(Specialty.objects.filter(slug__in=spec["specialties"]))
    if not profile.photo:
        profile.photo = process_photo(portrait(spec["display_name"], spec["colour"]))
        profile.save(update_fields=["photo"])
    return user


def ensure_specialties():
    for slug, name, description in SPECIALTIES:
        Specialty.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )


# (level it checks, question, [(answer, right)]) — the right answer is not always first.
PLACEMENT_QUESTIONS = [
    (
        "A1",
        "How do you greet someone in the morning?",
        [("Bonsoir", False), ("Bonjour", True), ("Bonne nuit", False)],
    ),
    (
        "A1",
        "Choose the right form: « Je ___ étudiant. »",
        [("suis", True), ("es", False), ("est", False)],
    ),
    (
        "A2",
        "« Hier, nous ___ au cinéma. »",
        [("allons", False), ("irons", False), ("sommes allés", True)],
    ),
    (
        "A2",
        "Which sentence is correct?",
        [
            ("Je n'ai pas de pain.", True),
            ("Je n'ai pas du pain.", False),
            ("Je ne pas ai de pain.", False),
        ],
    ),
    (
        "B1",
        "« Quand j'étais petit, je ___ au football tous les samedis. »",
        [("jouais", True), ("ai joué", False), ("jouerai", False)],
    ),
    (
        "B1",
        "« Si j'avais le temps, je ___ plus souvent. »",
        [("lirai", False), ("lirais", True), ("lis", False)],
    ),
    (
        "B2",
        "« Il faut que tu ___ à l'heure demain. »",
        [("es", False), ("seras", False), ("sois", True)],
    ),
    (
        "C1",
        "« ___ il fasse beau, nous sortirons. » Which fits best?",
        [("Pourvu qu'", True), ("Parce qu'", False), ("Puisqu'", False)],
    ),
]

# The demo student's history: (days ago, skill, level, by the first teacher or the quiz).
LEVEL_HISTORY = [
    (90, "placement"),
    (45, {"speaking": "A2", "listening": "A2"}),
    (7, {"speaking": "B1", "reading": "A2"}),
]


def ensure_placement_questions():
    for order, (level, text, answers) in enumerate(PLACEMENT_QUESTIONS):
        question, created = PlacementQuestion.objects.get_or_create(
            text=text, defaults={"level": level, "sort_order": (order + 1) * 10}
        )
        if created:
            for position, (answer, right) in enumerate(answers):
                PlacementAnswer.objects.create(
                    question=question, text=answer, is_correct=right, sort_order=position
                )


def ensure_level_history(student, teacher):
    """Placement at A1 three months ago, then the teacher's changes (once)."""
    if LevelRecord.objects.filter(student=student).exists():
        return
    now = timezone.now()
    records = []
    for days, change in LEVEL_HISTORY:
        at = now - timedelta(days=days)
        if change == "placement":
            records += [
                LevelRecord(
                    student=student, skill=skill, level="A1", source=LevelSource.PLACEMENT, at=at
                )
                for skill in SKILLS
            ]
        else:
            records += [
                LevelRecord(
                    student=student,
                    skill=skill,
                    level=level,
                    source=LevelSource.TEACHER,
                    recorded_by=teacher,
                    at=at,
                )
                for skill, level in change.items()
            ]
    LevelRecord.objects.bulk_create(records)


def load(log):
    ensure_specialties()
    ensure_placement_questions()
    ensure_user("admin@petittalk.example", display_name="Admin", superuser=True)
    ensure_user("editor@petittalk.example", display_name="Eddie Editor", group=roles.EDITORS)
    teachers = [ensure_teacher(spec) for spec in TEACHERS]
    student = ensure_user(STUDENT_EMAIL, display_name="Sam Student", group=roles.STUDENTS)
    _update_profile(
        student.profile,
        {
            "timezone": "Europe/London",
            "cefr_level": "A2",
            "learning_goals": "Order in a Paris café and chat with my partner's family.",
            "favourite_films": "Amélie",
        },
    )
    ensure_level_history(student, teachers[0])
    return [
        ("admin", "admin@petittalk.example", DEMO_PASSWORD),
        ("editor", "editor@petittalk.example", DEMO_PASSWORD),
        ("teacher", TEACHERS[0]["email"], DEMO_PASSWORD),
        ("student", STUDENT_EMAIL, DEMO_PASSWORD),
    ]
