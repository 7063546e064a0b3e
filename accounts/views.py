import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from site_config.json_ld import json_ld
from site_config.money import format_cents

from . import roles
from .forms import DeleteAccountForm, FinishProfileForm, ProfileForm, ZoneForm
from .placement.models import PlacementQuestion
from .selectors import get_active_teacher, get_student_page, teacher_rating
from .services import erase_user, erasure_preview, export_user_data
from .zones import remember_zone


def teacher_detail(request, slug):
    teacher = get_active_teacher(slug)
    canonical_url = request.build_absolute_uri(teacher.profile.get_absolute_url())
    return render(
        request,
        "accounts/teacher_detail.html",
        {
            "teacher": teacher,
            "profile": teacher.profile,
            "languages": teacher_languages(teacher.profile),
            "specialties": list(teacher.profile.specialties.all()),
            "canonical_url": canonical_url,
            "person_json_ld": json_ld(person_json_ld(request, teacher, canonical_url)),
        },
    )


def person_json_ld(request, teacher, url):
    """The page's one schema.org ``Person`` (no email: pages never show one), with an
    ``aggregateRating`` once the teacher has published reviews."""
    profile = teacher.profile
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": profile.display_name,
        "url": url,
        "jobTitle": "French teacher",
        "knowsLanguage": teacher_languages(profile),
    }
    if profile.bio:
        data["description"] = profile.bio[:300]
    if profile.photo:
        data["image"] = request.build_absolute_uri(profile.photo.url)
    average, count = teacher_rating(teacher)
    if count:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": f"{average:.1f}",
            "reviewCount": count,
            "bestRating": 5,
            "worstRating": 1,
        }
    return data


def teacher_languages(profile):
    return [part.strip() for part in profile.languages.split(",") if part.strip()]


def login_redirect(request, default_next=""):
    """Wagtail's own login pages (admin and private pages) send people to the site's login,
    keeping ``next`` when it stays on our host, so allauth's login and its failed-login limit
    are the only way in. Nothing posted here is ever authenticated."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    next_url = next_url or default_next
    url = reverse("account_login")
    if next_url:
        query = QueryDict(mutable=True)
        query["next"] = next_url
        url = f"{url}?{query.urlencode()}"
    return redirect(url)


@login_required
def student_detail(request, public_slug):
    student = get_student_page(public_slug, request.user)
    return render(
        request, "accounts/student_detail.html", {"student": student, "profile": student.profile}
    )


@login_required
def profile(request):
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {
            "profile": user.profile,
            "is_student": roles.is_student(user),
            "is_teacher": roles.is_teacher(user),
            "public_url": user.profile.get_absolute_url()
            if roles.is_student(user) or roles.is_teacher(user)
            else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    form = ProfileForm(
        request.POST or None,
        request.FILES or None,
        instance=request.user.profile,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile has been saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile_finish(request):
    """The short step after sign-up (time zone, level, goals), then on to ?next= or to find
    a teacher."""
    form = FinishProfileForm(request.POST or None, instance=request.user.profile, user=request.user)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is ready. Now choose a teacher for your lesson.")
        return redirect(next_url or "booking:teacher_list")
    skip_url = next_url or reverse("booking:teacher_list")
    quiz_url = reverse("accounts:placement_quiz")
    if next_url:
        quiz_url += "?" + urlencode({"next": next_url})
    return render(
        request,
        "accounts/profile_finish.html",
        {
            "form": form,
            "next_url": next_url,
            "skip_url": skip_url,
            # The optional placement quiz is offered when editors have questions in it.
            "quiz_url": quiz_url if PlacementQuestion.objects.active().exists() else "",
        },
    )


@login_required
def data_export(request):
    """GET shows nothing new: the download is a plain attachment of the user's own data."""
    payload = json.dumps(export_user_data(request.user), cls=DjangoJSONEncoder, indent=2)
    response = HttpResponse(payload, content_type="application/json")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="petit-talk-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Shows what deleting settles (lessons cancelled, money refunded), then erases."""
    form = DeleteAccountForm(request.POST or None, user=request.user)
    preview = erasure_preview(request.user)
    refund = format_cents(preview["refund_cents"]) if preview["refund_cents"] else ""
    if request.method == "POST" and form.is_valid():
        erase_user(request.user)
        logout(request)
        done = "Your account has been deleted and your personal data erased."
        if refund:
            done += f" Your future lessons are cancelled and {refund} will be refunded in full."
        messages.success(request, done)
        return redirect("/")
    return render(
        request,
        "accounts/account_delete.html",
        {"form": form, "preview": preview, "refund": refund},
    )


def _same_site_url(request, url):
    """``url`` when it stays on this site, else the home page."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "/"


@require_POST
def timezone_switch(request):
    """The zone switcher (``accounts/includes/zone_switcher.html``): show times in the chosen
    zone from now on (``accounts.zones.remember_zone``), then back to the page it was on."""
    form = ZoneForm(request.POST)
    if form.is_valid():
        remember_zone(request, form.cleaned_data["timezone"])
        messages.success(request, f"Times are now shown in {form.cleaned_data['timezone']}.")
    else:
        messages.error(request, "Please choose a time zone from the list.")
    return redirect(_same_site_url(request, request.POST.get("next", "")))
