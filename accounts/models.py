import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import URLValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify

from .levels import CefrLevel
from .managers import UserManager
from .placement.models import PlacementAnswer, PlacementAttempt, PlacementQuestion
from .progress.models import LevelRecord
from .roles import TEACHERS
from .zones import DEFAULT_ZONE, zone_choices

__all__ = [
    "CefrLevel",
    "LevelRecord",
    "PlacementAnswer",
    "PlacementAttempt",
    "PlacementQuestion",
    "Profile",
    "Specialty",
    "Teacher",
    "User",
]


class User(AbstractUser):
    """A person who logs in with their email address (unique whatever its letter case)."""

    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="A user with this email address already exists.",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        profile = getattr(self, "profile", None)
        if profile is not None and profile.display_name:
            return profile.display_name
        full = self.get_full_name()
        return full or self.email.split("@")[0]


class Specialty(models.Model):
    """What a teacher is known for (conversation, exam preparation DELF/DALF, business French,
    beginners…): tags editors manage in the Wagtail admin, that teachers pick for their
    profile and that visitors filter the teachers by (``/teachers/?specialty=<slug>``)."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        blank=True,
        help_text="Used in shared search links. Leave empty to make it from the name.",
    )
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "teacher specialty"
        verbose_name_plural = "teacher specialties"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:60] or "specialty"
        super().save(*args, **kwargs)


def photo_upload_to(instance, filename):
    return f"profiles/photos/{instance.user_id}/{filename}"


def video_upload_to(instance, filename):
    return f"profiles/videos/{instance.user_id}/{filename}"


# A teacher's fixed video room must be an https address: it is shown as a link to students.
validate_https_url = URLValidator(
    schemes=["https"],
    message="Enter the full address of your video room, starting with https://",
)


def new_public_slug():
    """An unguessable address for a student's page (about 96 random bits, URL-safe)."""
    return secrets.token_urlsafe(12)


class Profile(models.Model):
    """Everything public or personal about a user beyond their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(max_length=80, blank=True)
    timezone = models.CharField(
        max_length=64,
        choices=zone_choices,
        default=DEFAULT_ZONE,
        help_text="Times on the site are shown in this zone.",
    )
    photo = models.ImageField(upload_to=photo_upload_to, blank=True)
    bio = models.TextField(blank=True, max_length=2000)
    favourite_books = models.TextField("French books", blank=True, max_length=1000)
    favourite_films = models.TextField("French films", blank=True, max_length=1000)
    favourite_words = models.TextField("French words", blank=True, max_length=1000)
    favourite_songs = models.TextField("French songs", blank=True, max_length=1000)
    # Students
    cefr_level = models.CharField("CEFR level", max_length=2, choices=CefrLevel.choices, blank=True)
    learning_goals = models.TextField(blank=True, max_length=2000)
    # Teachers
    intro_video = models.FileField(upload_to=video_upload_to, blank=True)
    languages = models.CharField(
        "languages spoken", max_length=200, blank=True, help_text="For example: French, English"
    )
    price_override_cents = models.PositiveIntegerField(
        "lesson price override (cents)",
        null=True,
        blank=True,
        help_text="Leave empty to use the site's lesson price.",
    )
    video_room_url = models.URLField(
        "your video room link",
        max_length=300,
        blank=True,
        validators=[validate_https_url],
        help_text="Optional: a fixed room you always teach in (Zoom, Google Meet, Jitsi…), "
        "starting with https://. When set, all your confirmed lessons use it, including "
        "those already booked; leave empty to give each lesson its own Jitsi Meet room.",
    )
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="profiles")
    lowest_level_taught = models.CharField(
        "teaches from level", max_length=2, choices=CefrLevel.choices, blank=True
    )
    highest_level_taught = models.CharField(
        "teaches up to level", max_length=2, choices=CefrLevel.choices, blank=True
    )
    slug = models.SlugField(max_length=80, unique=True, null=True, blank=True)
    # Students' pages live at /students/<public_slug>/: never the sequential id.
    public_slug = models.SlugField(
        max_length=32, unique=True, default=new_public_slug, editable=False
    )
    show_to_members = models.BooleanField(
        "Show my profile to other members",
        default=False,
        help_text="Logged-in members may then see your page. Your teachers always can.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(lowest_level_taught="", highest_level_taught="")
                    | (
                        ~models.Q(lowest_level_taught="")
                        & models.Q(highest_level_taught__gte=models.F("lowest_level_taught"))
                    )
                ),
                name="accounts_profile_levels_taught_range",
                violation_error_message="Give both levels taught, the lower one first.",
            )
        ]

    def __str__(self):
        return self.display_name or str(self.user_id)

    def get_absolute_url(self):
        if self.slug:
            return reverse("accounts:teacher_detail", kwargs={"slug": self.slug})
        return reverse("accounts:student_detail", kwargs={"public_slug": self.public_slug})

    @property
    def levels_taught(self):
        """Like "A1 to B2" or "C1"; empty when not stated. Codes sort in CEFR order."""
        low, high = self.lowest_level_taught, self.highest_level_taught
        if not (low and high):
            return ""
        return low if low == high else f"{low} to {high}"

    def teaches_level(self, level):
        return bool(self.levels_taught) and self.lowest_level_taught <= level <= (
            self.highest_level_taught
        )


class TeacherManager(UserManager):
    """Only users in the Teachers group (active or not: deactivated teachers keep history)."""

    use_in_migrations = False

    def get_queryset(self):
        return super().get_queryset().filter(groups__name=TEACHERS).select_related("profile")


class Teacher(User):
    """A proxy of ``User`` so admins manage teachers in their own Wagtail listing."""

    objects = TeacherManager()

    class Meta:
        proxy = True
        verbose_name = "teacher"
        verbose_name_plural = "teachers"
        ordering = ["profile__display_name", "email"]
