"""Forms for sign-up, profile editing, account deletion and teacher administration.

Role-deciding fields (is_staff, is_superuser, groups, is_active for oneself, a teacher's slug
and price override) are never part of a user-facing form, so posting them changes nothing.
"""

from functools import cache

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from site_config.admin_forms import EuroField

from . import roles
from .models import CefrLevel, Profile, Specialty, Teacher, validate_https_url
from .services import delete_files_on_commit
from .uploads import process_photo, process_video
from .zones import DEFAULT_ZONE, aliases_by_zone, canonical_zone, zone_choices

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
VIDEO_ACCEPT = "video/mp4,video/webm"
ZONE_HELP = "Times on the site are shown in this zone."
LEVELS_ORDER_ERROR = "The first level taught must not be above the last."
LEVELS_BOTH_ERROR = "Give both levels taught, or neither."


class TimeZoneSelect(forms.Select):
    """The curated zone list (``<optgroup>`` per region). Each place names the old aliases
    it stands for (``data-aliases``), so static/js/accounts.js can preselect the zone a
    browser reports under an old name; ``data-detect-zone`` asks it to."""

    def __init__(self, *, detect=False, attrs=None):
        attrs = {"data-zone-select": "", **(attrs or {})}
        if detect:
            attrs["data-detect-zone"] = ""
        super().__init__(attrs=attrs)

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        aliases = aliases_by_zone().get(value)
        if aliases:
            option["attrs"]["data-aliases"] = " ".join(aliases)
        return option

    def use_required_attribute(self, initial):
        """False, as Django's ``Select`` answers for this list (its first choice is a region,
        an ``<optgroup>``, not an empty option), without normalising the ~400 zones on every
        render to look at the first (``accounts.tests.test_zone_select`` checks the list)."""
        return False

    def render(self, name, value, attrs=None, renderer=None):
        """The HTML of Django's ``select.html`` (``accounts.tests.test_zone_select`` compares
        them), from options built once per process: the list is fixed, and rendering its ~400
        options through the widget templates cost ~50 ms on every page with the zone
        switcher. ``choices`` is always ``zone_choices``, as ``TimeZoneField`` sets it."""
        values = self.format_value(value)
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        return format_html(
            "<select{}>{}</select>",
            format_html_join("", "{}", ((_attribute(*item),) for item in final_attrs.items())),
            _zone_options(values[0] if values else ""),
        )


def _attribute(key, value):
    """One attribute as Django's ``attrs.html`` writes it: True bare, False left out."""
    if value is True:
        return format_html(" {}", key)
    if value is False:
        return ""
    return format_html(' {}="{}"', key, value)


OPTION_HTML = '\n  <option value="{}"{}{}>{}</option>\n'


@cache
def _zone_option_parts():
    """The zone select's options as Django's ``select.html`` lays them out: the HTML pieces in
    order, each zone's as a pair (not selected, selected), and where each zone's pair is."""
    parts, index = [], {}
    for group, options in zone_choices():
        parts.append(format_html('\n  <optgroup label="{}">', group))
        for value, label in options:
            aliases = aliases_by_zone().get(value)
            extra = format_html(' data-aliases="{}"', " ".join(aliases)) if aliases else ""
            index[value] = len(parts)
            parts.append(
                tuple(
                    format_html(OPTION_HTML, value, selected, extra, label)
                    for selected in ("", " selected")
                )
            )
        parts.append("\n  </optgroup>")
    return parts, index


def _zone_options(selected):
    parts, index = _zone_option_parts()
    chosen = index.get(selected)
    html = "".join(
        part[position == chosen] if isinstance(part, tuple) else part
        for position, part in enumerate(parts)
    )
    return mark_safe(html + "\n")  # noqa: S308 every piece comes from format_html


class TimeZoneField(forms.ChoiceField):
    """A zone from ``accounts.zones.zone_choices``. An alias (``US/Eastern``, held by an old
    profile or sent by a browser) counts as the place it stands for (``America/New_York``)."""

    default_error_messages = {"invalid_choice": "Choose your time zone from the list."}

    def __init__(self, *, detect=False, **kwargs):
        kwargs.setdefault("label", "Time zone")
        kwargs.setdefault("initial", DEFAULT_ZONE)
        kwargs.setdefault("help_text", ZONE_HELP)
        super().__init__(choices=zone_choices, widget=TimeZoneSelect(detect=detect), **kwargs)

    def prepare_value(self, value):
        return canonical_zone(value) or value

    def to_python(self, value):
        value = super().to_python(value)
        return canonical_zone(value) or value


def check_levels_taught(form, low_name, high_name):
    """Both levels or neither, the lower one first (CEFR codes sort in level order)."""
    low, high = form.cleaned_data.get(low_name), form.cleaned_data.get(high_name)
    if bool(low) != bool(high):
        form.add_error(high_name if low else low_name, LEVELS_BOTH_ERROR)
    elif low and high and low > high:
        form.add_error(high_name, LEVELS_ORDER_ERROR)


class ZoneForm(forms.Form):
    """The zone switcher: a zone from the profile's list, and the page to go back to."""

    timezone = TimeZoneField(
        help_text="",
        error_messages={
            "required": "Please choose a time zone from the list.",
            "invalid_choice": "Please choose a time zone from the list.",
        },
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up plus a display name and a time zone; makes a student.

    The zone select starts on the site's default; static/js/accounts.js preselects the
    zone the browser reports (``Intl.DateTimeFormat().resolvedOptions().timeZone``)."""

    display_name = forms.CharField(
        label="Your name",
        max_length=80,
        help_text="Shown to your teachers and on your public page.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    timezone = TimeZoneField(
        label="Your time zone",
        detect=True,
        required=False,  # a client that sends none gets the default
        help_text="Lesson times are shown in this zone. You can change it later.",
    )

    field_order = ["display_name", "email", "password1", "password2", "timezone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:  # shown again with errors: keep what the person chose
            self.fields["timezone"].widget.attrs.pop("data-detect-zone", None)

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            profile = user.profile
            profile.display_name = self.cleaned_data["display_name"]
            profile.timezone = self.cleaned_data.get("timezone") or DEFAULT_ZONE
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
TEACHER_PROFILE_FIELDS = [
    "intro_video",
    "languages",
    "specialties",
    "lowest_level_taught",
    "highest_level_taught",
    "video_room_url",
]


class HttpsURLField(forms.URLField):
    """An https address (one clear message for anything else); a bare host name such as
    ``zoom.us/j/123`` gets https:// in front."""

    default_validators = [validate_https_url]

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


VIDEO_ROOM_HELP = Profile._meta.get_field("video_room_url").help_text


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
    video_room_url = HttpsURLField(
        label="Your video room link", max_length=300, required=False, help_text=VIDEO_ROOM_HELP
    )
    timezone = TimeZoneField()

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
            "specialties": forms.CheckboxSelectMultiple,
        }
        help_texts = {"specialties": "What you like to teach; students filter teachers by it."}

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

    def clean(self):
        data = super().clean()
        if "lowest_level_taught" in self.fields:
            check_levels_taught(self, "lowest_level_taught", "highest_level_taught")
        return data

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


FINISH_PROFILE_FIELDS = ("timezone", "cefr_level", "learning_goals")


class FinishProfileForm(ProfileForm):
    """The short step after sign-up: time zone (the profile form's own zone field), level and
    goals. Every other profile field is left as it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in FINISH_PROFILE_FIELDS:
                del self.fields[name]
        labels = {
            "timezone": "Your time zone",
            "cefr_level": "Your French level",
            "learning_goals": "What would you like to work on?",
        }
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
        if "cefr_level" in self.fields:
            self.fields["cefr_level"].help_text = "Not sure? Pick the closest one."


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
    timezone = TimeZoneField(help_text="Availability is entered in this zone.")
    languages = forms.CharField(
        label="Languages spoken",
        max_length=200,
        required=False,
        help_text="For example: French, English",
    )
    specialties = forms.ModelMultipleChoiceField(
        queryset=Specialty.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Editors manage this list (Teacher specialties).",
    )
    lowest_level_taught = forms.ChoiceField(
        label="Teaches from level",
        choices=[("", "Not stated"), *CefrLevel.choices],
        required=False,
    )
    highest_level_taught = forms.ChoiceField(
        label="Teaches up to level",
        choices=[("", "Not stated"), *CefrLevel.choices],
        required=False,
    )
    price_override_cents = EuroField(
        label="Lesson price override (€)",
        required=False,
        help_text="In euros, for example 20 or 19.50. Leave empty to use the site's lesson price.",
    )
    bio = forms.CharField(widget=forms.Textarea, max_length=2000, required=False)
    video_room_url = HttpsURLField(
        label="Fixed video room link",
        max_length=300,
        required=False,
        help_text="Optional, https:// only. When set, all the teacher's confirmed lessons use "
        "it, including those already booked; empty: each lesson gets its own Jitsi Meet room.",
    )

    profile_field_names = (
        "display_name",
        "slug",
        "timezone",
        "languages",
        "specialties",
        "lowest_level_taught",
        "highest_level_taught",
        "price_override_cents",
        "bio",
        "video_room_url",
    )

    def clean(self):
        data = super().clean()
        check_levels_taught(self, "lowest_level_taught", "highest_level_taught")
        return data

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
                value = getattr(profile, name)
                if name == "specialties":
                    value = list(value.all())
                self.initial.setdefault(name, value)

    @transaction.atomic
    def save(self, commit=True):
        user = super().save()
        if "email" in self.changed_data:
            EmailAddress.objects.filter(user=user).delete()
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        profile = user.profile
        data = self.profile_data()
        specialties = data.pop("specialties")
        for name, value in data.items():
            setattr(profile, name, value)
        profile.save()
        profile.specialties.set(specialties)
        return user
