"""Booking pages: parse, call the rules in services/models, render or redirect."""

from datetime import timedelta
from html import escape
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles
from accounts.zones import format_local, format_moment, uses_12_hour_clock, zone_of
from site_config.compiled import CompiledQuery
from site_config.money import format_cents

from . import selectors
from .basket_hint import note_holds
from .exceptions import AvailabilityConflict, BookingError, HoldLimitReached
from .forms import (
    SLOT_REFUSED,
    CancelForm,
    ChooseForm,
    HoldForm,
    RescheduleForm,
    TeacherMessageForm,
    TimeOffFormSet,
    WindowFormSet,
    error_summary,
    with_blank_row,
)
from .lesson_cards import StudentCards, TeacherCards
from .models import (
    AvailabilityWindow,
    Booking,
    BookingStatus,
    CalendarToken,
    TimeOff,
)
from .notifications import feed_for, feed_url
from .outcomes.forms import outcome_choices
from .outcomes.models import dispute_deadline
from .permissions import student_required, teacher_required
from .selectors import active_teachers
from .series import weeks_allowed
from .services import (
    cancellation_terms,
    describe_unavailable,
    hold_slot,
    late_cancellable_ids,
    lesson_price_cents,
    reschedule_booking,
    save_availability,
)
from .slots import is_available, next_free_slots
from .transitions import LessonOutcome
from .week_grid import week_grid, week_number


def _booking_settings(request):
    """The booking settings of the request's site (booking.selectors.booking_settings)."""
    return selectors.booking_settings(request)


def after_hold_url():
    """The basket once commerce provides it; until then "My bookings"."""
    try:
        return reverse("commerce:basket")
    except NoReverseMatch:
        return reverse("booking:my_bookings")


# What the chosen teacher's slots, price and name need: not their bio, video and favourites.
BOOKED_TEACHER_FIELDS = (
    "id",
    "is_active",
    "first_name",
    "last_name",
    "email",
    "profile__slug",
    "profile__display_name",
    "profile__timezone",
    "profile__price_override_cents",
)
# Every booking page with a teacher reads them: compiled once.
_booked_teacher = CompiledQuery(
    lambda pk: active_teachers().filter(pk=pk).only(*BOOKED_TEACHER_FIELDS),
    name="booked_teacher",
)


def booked_teacher(pk):
    """The bookable teacher with this id (``active_teachers``), only ``BOOKED_TEACHER_FIELDS``
    loaded (the others deferred), profile joined; None if there is none."""
    teachers = _booked_teacher.objects(pk)
    return teachers[0] if teachers else None


def _grid_for(request, teacher, booking_settings, week_url, *, selected=None, ignore=None):
    """The week grid of ``teacher``'s free times for this student (``booking.week_grid``),
    in the student's zone and clock."""
    return week_grid(
        teacher,
        request.user,
        zone=zone_of(request.user),
        week=week_number(request.GET.get("week"), booking_settings.horizon_weeks),
        week_url=week_url,
        booking_settings=booking_settings,
        twelve_hour=uses_12_hour_clock(request),
        selected=selected,
        ignore=ignore,
    )


def teacher_options(teachers, selected_slug):
    """The teacher picker's ``<option>`` elements for ``teachers`` (``[(slug, name, pk)]``),
    ``selected_slug``'s marked selected: one string built here rather than one template
    loop step (and condition) per teacher. ``html.escape`` is what Django's ``escape``
    runs, without its lazy-string wrapper, for ~100 teachers on every booking page."""
    return mark_safe(  # noqa: S308 every slug and name is escaped
        "\n        ".join(
            f'<option value="{escape(slug)}"{" selected" if slug == selected_slug else ""}>'
            f"{escape(name)}</option>"
            for slug, name, _pk in teachers
        )
    )


def _chosen(request, moment, booking_settings):
    """What the page says about a chosen time: when, and until when it is free to cancel."""
    zone, twelve_hour = zone_of(request.user), uses_12_hour_clock(request)
    deadline = moment - timedelta(hours=booking_settings.cancellation_hours)
    return {
        "moment": moment,
        "value": moment.isoformat(),
        "text": format_moment(moment, zone, twelve_hour=twelve_hour),
        "cancel_until": format_moment(deadline, zone, twelve_hour=twelve_hour),
    }


@student_required
def book(request):
    """Pick a teacher, see their free times week by week in the student's zone (a grid of time
    buttons), choose one (POST ``choose``: the lesson, its price and the cancellation rule),
    then add it to the basket (POST ``slot``: a hold)."""
    booking_settings = _booking_settings(request)
    teachers = selectors.teacher_picker(request)
    slug = request.POST.get("teacher") or request.GET.get("teacher") or ""
    teacher_ids = {teacher_slug: pk for teacher_slug, _name, pk in teachers}
    teacher = booked_teacher(teacher_ids[slug]) if slug in teacher_ids else None
    if slug and teacher is None:
        messages.error(request, "This teacher cannot be booked. Please choose another teacher.")

    choosing = "choose" in request.POST
    form = HoldForm(request.POST if request.method == "POST" and not choosing else None)
    choose_form = ChooseForm(request.POST if choosing else None)
    basket_full = False
    chosen = None
    if request.method == "POST" and teacher is not None:
        if choosing:
            if choose_form.is_valid():
                moment = choose_form.cleaned_data["choose"]
                if is_available(teacher, moment, viewer=request.user, settings=booking_settings):
                    chosen = _chosen(request, moment, booking_settings)
                    form = HoldForm(initial={"goal": choose_form.cleaned_data["goal"]})
                else:
                    choose_form.add_error(None, SLOT_REFUSED)
        elif form.is_valid():
            try:
                booking = hold_slot(
                    request.user, teacher, form.cleaned_data["slot"], form.cleaned_data["goal"]
                )
            except BookingError as error:
                form.add_error(None, str(error))
                basket_full = isinstance(error, HoldLimitReached)
            else:
                note_holds(request.session, booking.created_at, booking_settings)
                messages.success(
                    request,
                    "The lesson is in your basket. Pay within "
                    f"{booking_settings.hold_minutes} minutes to keep the slot.",
                )
                return redirect(after_hold_url())

    grid = grid_action = None
    unbookable = False
    if teacher is not None:
        slug_query = urlencode({"teacher": teacher.profile.slug})
        grid = _grid_for(
            request,
            teacher,
            booking_settings,
            lambda week: f"?{slug_query}&week={week}",
            selected=chosen["moment"] if chosen else None,
        )
        grid_action = f"{reverse('booking:book')}?{slug_query}&week={grid.week}"
        # No free time from this week to the horizon: is there any at all? If not, say so.
        unbookable = grid.next_available is None and (
            grid.week == 0
            or not next_free_slots([teacher], viewer=request.user, settings=booking_settings).get(
                teacher.pk
            )
        )
    context = {
        "teacher_options": teacher_options(teachers, teacher.profile.slug if teacher else None),
        "teacher": teacher,
        "price": format_cents(lesson_price_cents(teacher, booking_settings)) if teacher else "",
        "form": form,
        "choose_form": choose_form,
        "grid": grid,
        "grid_action": grid_action,
        "chosen": chosen,
        "goal": request.POST.get("goal", ""),  # typed before choosing again: kept
        "zone_name": zone_of(request.user).key,
        "lesson_minutes": booking_settings.lesson_minutes,
        "cancellation_hours": booking_settings.cancellation_hours,
        "basket_full": basket_full,
        "basket_url": after_hold_url(),
        "unbookable": unbookable,
        "horizon_weeks": booking_settings.horizon_weeks,
        "series_weeks": weeks_allowed(booking_settings),
    }
    failed = form.errors or choose_form.errors
    return render(request, "booking/book.html", context, status=400 if failed else 200)


# Far past any real history; a bigger number would overflow the database's OFFSET.
MAX_PAGE_NUMBER = 10_000


def _page_number(request, name="page"):
    """A page number from the query string (1 for anything missing or invalid)."""
    try:
        return min(max(int(request.GET.get(name, 1)), 1), MAX_PAGE_NUMBER)
    except (TypeError, ValueError):
        return 1


@student_required
def my_bookings(request):
    """The student's lessons: basket holds and upcoming lessons, then one page of past and
    closed ones (``?page=`` for older), so the page does not grow with the history."""
    now = timezone.now()
    booking_settings = _booking_settings(request)
    # Teacher, notes, review and dispute joined: the cards (StudentCards) cost no query.
    upcoming = selectors.upcoming_lessons(request.user, now)
    for booking in upcoming:
        booking.can_cancel = booking.student_may_cancel(now, booking_settings)
        deadline = booking.cancellation_deadline(booking_settings)
        booking.cancel_deadline_text = format_local(deadline, request.user)
        if booking.status in (BookingStatus.PAID, BookingStatus.CONFIRMED):
            booking.cannot_move = booking.reschedule_refusal(now, booking_settings)
    # Past the deadline, lessons paid with a credit may still be cancelled (one question).
    late_ids = late_cancellable_ids(
        b
        for b in upcoming
        if b.status in (BookingStatus.PAID, BookingStatus.CONFIRMED) and not b.can_cancel
    )
    for booking in upcoming:
        booking.can_cancel_late = booking.pk in late_ids
    past = selectors.lesson_history_page(request.user, now, _page_number(request))
    for booking in past["items"]:
        booking.dispute_open = _may_dispute(booking, now)
    token = selectors.calendar_token(request.user)
    cards = StudentCards(now=now)
    return render(
        request,
        "booking/my_bookings.html",
        {
            "upcoming": upcoming,
            "upcoming_cards": [cards.upcoming(booking) for booking in upcoming],
            "past": past["items"],
            "past_cards": [cards.past(booking) for booking in past["items"]],
            "history": past,
            "zone_name": zone_of(request.user).key,
            "cancellation_hours": booking_settings.cancellation_hours,
            "calendar_url": feed_url(token) if token else "",
            "basket_url": after_hold_url(),
        },
    )


def _may_dispute(booking, now):
    """A no-show the student may still explain (no explanation sent, within 48 hours); the
    dispute is joined (``selectors.lesson_history_page``), so this costs no query."""
    if booking.outcome != LessonOutcome.STUDENT_NO_SHOW or booking.status != BookingStatus.MISSED:
        return False
    if hasattr(booking, "outcome_dispute"):
        return False
    deadline = dispute_deadline(booking)
    return deadline is not None and now <= deadline


def _confirmation_page(request, booking, terms, *, declining):
    """The page that asks before a cancel or decline: what happens, then a POST form."""
    return render(
        request,
        "booking/confirm_cancel.html",
        {
            "booking": booking,
            "terms": terms,
            "declining": declining,
            "other": booking.student if declining else booking.teacher,
            "lesson_text": format_local(booking.start, request.user),
            "message_form": TeacherMessageForm(),
            "back_url": reverse(
                "booking:teacher_dashboard" if declining else "booking:my_bookings"
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@student_required
def cancel(request, pk):
    """GET: what cancelling does (the refund, the deadline in the student's zone) and the
    form; POST: cancel."""
    booking = get_object_or_404(Booking.objects.with_people(), pk=pk, student=request.user)
    if request.method == "GET":
        terms = cancellation_terms(
            booking, request.user, booking_settings=_booking_settings(request)
        )
        return _confirmation_page(request, booking, terms, declining=False)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    in_time = booking.student_may_cancel(booking_settings=_booking_settings(request))
    with_credit = booking.may_cancel_late()
    try:
        booking.cancel(by=request.user, reason=reason)
    except (BookingError, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _cancelled_message(in_time=in_time, with_credit=with_credit))
    return redirect("booking:my_bookings")


def _cancelled_message(*, in_time, with_credit):
    if not with_credit:
        return "Your lesson is cancelled. You will be refunded in full."
    if in_time:
        return "Your lesson is cancelled. Your credit is back in your wallet."
    return (
        "Your lesson is cancelled. The free cancellation deadline had passed, so the credit "
        "is spent unless your teacher gives it back."
    )


@require_http_methods(["GET", "POST"])
@student_required
def reschedule(request, pk):
    """Move a paid or confirmed lesson: GET shows its current time and the teacher's week grid;
    a time button (POST ``choose``) asks to confirm the move; confirming (POST ``slot``) moves
    it (``services.reschedule_booking``) and goes back to My bookings with a message."""
    booking = get_object_or_404(Booking.objects.with_people(), pk=pk, student=request.user)
    booking_settings = _booking_settings(request)
    refusal = booking.reschedule_refusal(booking_settings=booking_settings)
    if refusal:
        messages.error(request, refusal)
        return redirect("booking:my_bookings")

    zone, twelve_hour = zone_of(request.user), uses_12_hour_clock(request)
    choosing = "choose" in request.POST
    choose_form = ChooseForm(request.POST if choosing else None)
    form = RescheduleForm(request.POST if request.method == "POST" and not choosing else None)
    chosen = None
    if choosing and choose_form.is_valid():
        moment = choose_form.cleaned_data["choose"]
        if moment != booking.start and is_available(
            booking.teacher,
            moment,
            viewer=request.user,
            settings=booking_settings,
            ignore=booking,
        ):
            chosen = _chosen(request, moment, booking_settings)
        else:
            choose_form.add_error(None, SLOT_REFUSED)
    elif form.is_bound and form.is_valid():
        try:
            reschedule_booking(booking, form.cleaned_data["slot"], by=request.user)
        except (BookingError, PermissionDenied) as error:
            form.add_error(None, str(error))
            booking.refresh_from_db()
            if booking.reschedule_refusal(booking_settings=booking_settings):
                messages.error(request, str(error))
                return redirect("booking:my_bookings")
        else:
            new_time = format_moment(booking.start, zone, twelve_hour=twelve_hour)
            messages.success(
                request,
                f"Your lesson is moved to {new_time}. {booking.teacher.display_name} will "
                "confirm the new time; nothing more to pay.",
            )
            return redirect("booking:my_bookings")

    grid = _grid_for(
        request,
        booking.teacher,
        booking_settings,
        lambda week: f"?week={week}",
        selected=chosen["moment"] if chosen else None,
        ignore=booking,
    )
    failed = form.errors or choose_form.errors
    return render(
        request,
        "booking/reschedule.html",
        {
            "booking": booking,
            "current_text": format_moment(booking.start, zone, twelve_hour=twelve_hour),
            "grid": grid,
            "grid_action": f"{reverse('booking:reschedule', args=[booking.pk])}?week={grid.week}",
            "chosen": chosen,
            "form": form,
            "choose_form": choose_form,
            "moves_left": booking_settings.max_reschedules - booking.reschedule_count,
            "free_move": booking.awaits_technical_choice,
            "zone_name": zone.key,
        },
        status=400 if failed else 200,
    )


@require_POST
@student_required
def remove(request, pk):
    booking = get_object_or_404(Booking, pk=pk, student=request.user)
    try:
        booking.remove(by=request.user)
    except (BookingError, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The lesson was removed from your basket.")
    if request.POST.get("next") == "basket":
        return redirect(after_hold_url())
    return redirect("booking:my_bookings")


@teacher_required
def teacher_dashboard(request):
    """The teacher's lessons: paid ones awaiting a decision first, then lessons that have
    ended and wait for their outcome (held, no-show, technical problem), then upcoming, then
    one page of past and closed ones (``?page=`` for older). Each lesson is a card of plain
    values (``booking.lesson_cards``), so the template formats and reverses nothing per lesson.

    Confirmed lessons are read in one list, soonest first, so those awaiting their outcome
    (ended, hence first) cost no query of their own."""
    now = timezone.now()
    teacher = request.user
    to_decide = selectors.teacher_lesson_page(teacher, "decide", _page_number(request, "decide"))
    upcoming = selectors.teacher_lesson_page(teacher, "upcoming", _page_number(request, "upcoming"))
    others = selectors.teacher_lesson_page(teacher, "history", _page_number(request))
    token = selectors.calendar_token(teacher)
    to_mark = [booking for booking in upcoming["items"] if booking.end <= now]
    upcoming_items = [booking for booking in upcoming["items"] if booking.end > now]
    cards = TeacherCards(now=now)
    return render(
        request,
        "booking/teacher_dashboard.html",
        {
            "to_decide": to_decide["items"],
            "decide_cards": cards.cards(to_decide["items"]),
            "decide_pages": to_decide,
            "to_mark": to_mark,
            "mark_cards": cards.cards(to_mark),
            "outcome_choices": outcome_choices(),
            "upcoming": upcoming_items,
            "upcoming_cards": cards.cards(upcoming_items),
            "upcoming_pages": upcoming,
            "others": others["items"],
            "other_cards": cards.cards(others["items"]),
            "history": others,
            "zone_name": zone_of(request.user).key,
            "calendar_url": feed_url(token) if token else "",
        },
    )


def _teacher_decision(request, pk, decide, done_message):
    booking = get_object_or_404(Booking, pk=pk, teacher=request.user)
    form = TeacherMessageForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        decide(booking, request.user, message)
    except (BookingError, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done_message)
    return redirect("booking:teacher_dashboard")


@require_POST
@teacher_required
def confirm(request, pk):
    return _teacher_decision(
        request, pk, lambda b, by, msg: b.confirm(by=by, message=msg), "Lesson confirmed."
    )


@require_http_methods(["GET", "POST"])
@teacher_required
def decline(request, pk):
    """GET: what declining does (the student's refund) and the form; POST: decline."""
    if request.method == "GET":
        booking = get_object_or_404(Booking.objects.with_people(), pk=pk, teacher=request.user)
        terms = cancellation_terms(
            booking, request.user, declining=True, booking_settings=_booking_settings(request)
        )
        return _confirmation_page(request, booking, terms, declining=True)
    return _teacher_decision(
        request,
        pk,
        lambda b, by, msg: b.decline(by=by, message=msg),
        "Lesson declined. The student will be refunded.",
    )


@teacher_required
def availability(request):
    """Weekly windows (a list per weekday) and time off, in the teacher's own zone.

    A POST saves both (``save_availability``). When the change takes booked lessons out of
    the teacher's availability, nothing is saved yet: the page lists them above the form
    (still holding what was typed) with a form that posts the same change back, confirmed.
    The "Add" buttons post too (they work without JavaScript): the page comes back with
    what was typed and one more blank row, and nothing is saved.
    """
    teacher = request.user
    if request.method != "POST":
        windows = AvailabilityWindow.objects.filter(teacher=teacher)
        window_formset = WindowFormSet(prefix="windows", initial=WindowFormSet.rows_for(windows))
        time_off_formset = TimeOffFormSet(
            prefix="timeoff",
            initial=[
                {"start_date": t.start_date, "end_date": t.end_date, "note": t.note}
                for t in TimeOff.objects.filter(teacher=teacher)
            ],
        )
        return _availability_page(request, window_formset, time_off_formset)

    data = request.POST
    adding = "add_row" in data
    if adding:
        data = with_blank_row(data, data["add_row"]) or data
    window_formset = WindowFormSet(data, prefix="windows")
    time_off_formset = TimeOffFormSet(data, prefix="timeoff")
    if adding:
        return _availability_page(request, window_formset, time_off_formset)
    if not (window_formset.is_valid() and time_off_formset.is_valid()):
        return _availability_page(request, window_formset, time_off_formset, status=400)
    try:
        settled = save_availability(
            teacher,
            window_formset.windows(),
            time_off_formset.ranges(),
            settle=_confirmed_ids(data.get("confirm_decline", "")),
        )
    except AvailabilityConflict as conflict:
        return _availability_page(
            request,
            window_formset,
            time_off_formset,
            conflicts=describe_unavailable(conflict.lessons, teacher),
        )
    messages.success(request, _saved_message(settled))
    return redirect("booking:availability")


# What the "Confirm and decline" form must not carry back: its own fields.
NOT_CARRIED = {"csrfmiddlewaretoken", "confirm_decline", "add_row"}


def _confirmed_ids(value):
    """The lesson ids the teacher confirmed ("12,15"); anything else is ignored."""
    return {int(part) for part in value.split(",") if part.strip().isdigit()}


def _saved_message(settled):
    declined = sum(booking.status == BookingStatus.DECLINED for booking in settled)
    released = len(settled) - declined
    message = "Your availability is saved."
    if declined:
        lessons = "1 lesson" if declined == 1 else f"{declined} lessons"
        message += f" {lessons} declined: students are refunded in full and told by email."
    if released:
        holds = "1 lesson" if released == 1 else f"{released} lessons"
        message += f" {holds} released from students' baskets."
    return message


def _availability_page(request, window_formset, time_off_formset, *, status=200, conflicts=()):
    """The editor; with ``conflicts``, first the lessons the submitted change would settle
    and a form that posts the same change back, confirmed."""
    carried = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in NOT_CARRIED
        for value in values
    ]
    return render(
        request,
        "booking/availability.html",
        {
            "window_formset": window_formset,
            "time_off_formset": time_off_formset,
            "error_summary": error_summary(window_formset, time_off_formset)
            if window_formset.is_bound
            else [],
            "conflicts": conflicts,
            "confirm_ids": ",".join(str(lesson.booking.pk) for lesson in conflicts),
            "carried": carried if conflicts else [],
            "zone_name": zone_of(request.user).key,
        },
        status=status,
    )


def calendar_feed(request, token):
    """A user's private .ics feed: their paid, confirmed and completed lessons."""
    calendar_token = CalendarToken.objects.select_related("user__profile").filter(token=token)
    calendar_token = calendar_token.first()
    if calendar_token is None or not calendar_token.user.is_active:
        raise Http404("Unknown calendar")
    user = calendar_token.user
    bookings = (
        Booking.objects.filter(Q(student=user) | Q(teacher=user))
        .filter(status__in=(BookingStatus.PAID, BookingStatus.CONFIRMED, BookingStatus.COMPLETED))
        .with_people()
    )
    response = HttpResponse(feed_for(user, bookings), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="petit-talk.ics"'
    return response


@require_POST
@login_required
def calendar_token(request):
    """Create, replace (regenerate) or revoke the user's calendar feed link."""
    if request.POST.get("action") == "revoke":
        CalendarToken.revoke(request.user)
        messages.success(request, "Your calendar link is switched off.")
    else:
        CalendarToken.regenerate(request.user)
        messages.success(request, "Your new calendar link is ready; any old link stops working.")
    if roles.is_teacher(request.user):
        return redirect("booking:teacher_dashboard")
    return redirect("booking:my_bookings")
