"""Forms for sign-up, profile editing, account deletion and teacher administration.

Role-deciding fields (is_staff, is_superuser, groups, is_active for oneself, a teacher's slug
and price override) are never part of a user-facing form, so posting them changes nothing.
"""

import zoneinfo

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from site_config.admin_forms import EuroField

from . import roles
from .models import TIMEZONE_CHOICES, Profile, Teacher
from .services import delete_files_on_commit
from .uploads import process_photo, process_video

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
VIDEO_ACCEPT = "video/mp4,video/webm"


def clean_timezone_name(value):
    """A valid IANA zone name, or "" when the browser sent nothing usable."""
    value = (value or "").strip()
    return value if value in zoneinfo.available_timezones() else ""


class ZoneForm(forms.Form):
    """The zone switcher: a zone from the profile's list, and the page to go back to."""

    timezone = forms.ChoiceField(
        label="Time zone",
        choices=TIMEZONE_CHOICES,
        error_messages={
            "required": "Please choose a time zone from the list.",
            "invalid_choice": "Please choose a time zone from the list.",
        },
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up plus a display name and the browser's time zone; makes a student."""

    display_name = forms.CharField(
        label="Your name",
        max_length=80,
        help_text="Shown to your teachers and on your public page.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # Filled in by static/js/accounts.js from Intl.DateTimeFormat().resolvedOptions().
    timezone = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["display_name", "email", "password1", "password2", "timezone"]

    def clean_timezone(self):
        return clean_timezone_name(self.cleaned_data.get("timezone"))

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            profile = user.profile
            profile.display_name = self.cleaned_data["display_name"]
            if self.cleaned_data.get("timezone"):
                profile.timezone = self.cleaned_data["timezone"]
            profile.save(update_fields=["display_name", "timezone"])
            roles.add_to_group(user, roles.STUDENTS)
        return user


COMMON_PROFILE_FIELDS = [
    "display_name",
    "timezone",
    "photo",
    "bio",
    "favourite_books",
    "favourite_films",
    "favourite_words",
    "favourite_songs",
]
STUDENT_PROFILE_FIELDS = ["cefr_level", "learning_goals", "show_to_members"]
TEACHER_PROFILE_FIELDS = ["intro_video", "languages"]


class ProfileForm(forms.ModelForm):
    """A user's own profile. Which fields appear depends on the user's role."""

    photo = forms.FileField(
        required=False,
        help_text="JPEG, PNG or WebP, up to 5 MB and 4000×4000 pixels.",
        widget=forms.ClearableFileInput(attrs={"accept": PHOTO_ACCEPT}),
    )
    intro_video = forms.FileField(
        label="Intro video",
        required=False,
        help_text="MP4 or WebM, up to 100 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": VIDEO_ACCEPT}),
    )

    class Meta:
        model = Profile
        fields = [*COMMON_PROFILE_FIELDS, *STUDENT_PROFILE_FIELDS, *TEACHER_PROFILE_FIELDS]
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "bio": forms.Textarea(attrs={"rows": 5}),
            "favourite_books": forms.Textarea(attrs={"rows": 2}),
            "favourite_films": forms.Textarea(attrs={"rows": 2}),
            "favourite_words": forms.Textarea(attrs={"rows": 2}),
            "favourite_songs": forms.Textarea(attrs={"rows": 2}),
            "learning_goals": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not roles.is_student(user):
            for name in STUDENT_PROFILE_FIELDS:
                self.fields.pop(name)
        if not roles.is_teacher(user):
            for name in TEACHER_PROFILE_FIELDS:
                self.fields.pop(name)
        self._old_files = {
            name: getattr(self.instance, name).name
            for name in ("photo", "intro_video")
            if name in self.fields
        }

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            return process_photo(photo)
        return photo

    def clean_intro_video(self):
        video = self.cleaned_data.get("intro_video")
        if isinstance(video, UploadedFile):
            return process_video(video)
        return video

    @transaction.atomic
    def save(self, commit=True):
        profile = super().save(commit=commit)
        replaced = [
            old
            for name, old in self._old_files.items()
            if old and getattr(profile, name).name != old
        ]
        delete_files_on_commit(*replaced)
        return profile


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password again."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your current password.")
        return password


class TeacherProfileFieldsMixin(forms.Form):
    """Profile fields an admin fills in for a teacher."""

    display_name = forms.CharField(max_length=80)
    slug = forms.SlugField(
        max_length=80, help_text="The teacher's public address: /teachers/<slug>/."
    )
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES, initial="Europe/Paris")
    languages = forms.CharField(
        label="Languages spoken",
        max_length=200,
        required=False,
        help_text="For example: French, English",
    )
    price_override_cents = EuroField(
        label="Lesson price override (€)",
        required=False,
        help_text="In euros, for example 20 or 19.50. Leave empty to use the site's lesson price.",
    )
    bio = forms.CharField(widget=forms.Textarea, max_length=2000, required=False)

    profile_field_names = (
        "display_name",
        "slug",
        "timezone",
        "languages",
        "price_override_cents",
        "bio",
    )

    def clean_email(self):
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"])
        taken = get_user_model().objects.filter(email__iexact=email)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("A user with this email address already exists.")
        return email

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        taken = Profile.objects.filter(slug=slug)
        if self.instance.pk:
            taken = taken.exclude(user_id=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Another teacher already uses this address.")
        return slug

    def profile_data(self):
        return {name: self.cleaned_data[name] for name in self.profile_field_names}


class TeacherCreateForm(TeacherProfileFieldsMixin, forms.ModelForm):
    class Meta:
        model = Teacher
        fields = ["email"]

    field_order = ["email", "display_name", "slug"]

    def save(self, commit=True):
        raise NotImplementedError("Teachers are created by accounts.services.create_teacher.")


class TeacherEditForm(TeacherProfileFieldsMixin, forms.ModelForm):
    class Meta:
        model = Teacher
        fields = ["email", "is_active"]
        labels = {"is_active": "Active"}
        help_texts = {
            "is_active": "Untick to deactivate: the teacher disappears from the site and "
            "cannot be booked, but their bookings and history are kept."
        }

    field_order = ["email", "is_active", "display_name", "slug"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            profile = self.instance.profile
            for name in self.profile_field_names:
                self.initial.setdefault(name, getattr(profile, name))

    @transaction.atomic
    def save(self, commit=True):
        user = super().save()
        if "email" in self.changed_data:
            EmailAddress.objects.filter(user=user).delete()
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        profile = user.profile
        for name, value in self.profile_data().items():
            setattr(profile, name, value)
        profile.save()
        return user
