"""Levels are recorded per skill only when they change; the student's progress page draws
their history as an SVG chart (title, description, legend by shape and pattern) with every
record in a table."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from accounts.factories import LevelRecordFactory, StudentFactory, TeacherFactory
from accounts.levels import SKILLS
from accounts.models import LevelRecord
from accounts.progress.chart import level_chart
from accounts.progress.models import LevelSource
from accounts.progress.services import current_levels, level_history, record_levels
from accounts.zones import zone_named

pytestmark = pytest.mark.django_db
PROGRESS = "/profile/progress/"


def test_recording_levels_adds_a_record_only_for_the_skills_that_changed(student, teacher):
    first = record_levels(student, {"speaking": "A2", "reading": "B1", "writing": ""}, by=teacher)
    assert [(r.skill, r.level) for r in first] == [("speaking", "A2"), ("reading", "B1")]
    again = record_levels(student, {"speaking": "A2", "reading": "B2"}, by=teacher)
    assert [(r.skill, r.level) for r in again] == [("reading", "B2")]
    assert again[0].recorded_by == teacher
    assert again[0].source == LevelSource.TEACHER
    latest = current_levels(level_history(student))
    assert {skill: record.level for skill, record in latest.items()} == {
        "speaking": "A2",
        "reading": "B2",
    }


def test_unknown_skills_and_nothing_to_record_add_nothing(student, teacher):
    assert record_levels(student, {"cooking": "C2"}, by=teacher) == []
    assert record_levels(student, {}, by=teacher) == []
    assert not LevelRecord.objects.exists()


def test_a_placement_record_names_no_teacher(student, teacher):
    [record] = record_levels(student, {"listening": "B1"}, by=teacher, source=LevelSource.PLACEMENT)
    assert record.recorded_by is None


def test_the_database_refuses_a_level_outside_the_cefr_scale(student):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        LevelRecord.objects.create(student=student, skill="speaking", level="D1", source="teacher")


def test_the_chart_draws_one_step_line_per_skill_with_a_marker_per_record(student, teacher):
    now = timezone.now()
    LevelRecordFactory(student=student, skill="speaking", level="A1", at=now - timedelta(days=60))
    LevelRecordFactory(student=student, skill="speaking", level="A2", at=now - timedelta(days=20))
    LevelRecordFactory(student=student, skill="writing", level="A1", at=now - timedelta(days=20))
    chart = level_chart(level_history(student), zone_named("Europe/Paris"), now=now)
    lines = {line["skill"]: line for line in chart["lines"]}
    assert set(lines) == {"speaking", "writing"}
    assert len(lines["speaking"]["markers"]) == 2
    assert lines["speaking"]["path"].count("V") == 1  # one change of level
    assert lines["speaking"]["shape"] != lines["writing"]["shape"]
    assert lines["speaking"]["pattern"] != lines["writing"]["pattern"]
    assert [row["skill"] for row in chart["table"]] == ["Speaking", "Speaking", "Writing"]
    assert [c["level"] for c in chart["current"]] == ["A2", "A1"]


def test_the_progress_page_shows_an_accessible_svg_chart_and_the_records_as_a_table(client):
    student, teacher = StudentFactory(), TeacherFactory(display_name="Camille")
    now = timezone.now()
    for days, level in ((40, "A1"), (10, "A2")):
        for skill in SKILLS:
            at = now - timedelta(days=days)
            LevelRecordFactory(
                student=student, skill=skill, level=level, recorded_by=teacher, at=at
            )
    client.force_login(student)
    response = client.get(PROGRESS)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    svg = soup.select_one("svg.level-chart__svg")
    assert svg["role"] == "img"
    title_id, desc_id = svg["aria-labelledby"].split()
    assert soup.find(id=title_id).name == "title"
    assert "Speaking: A2" in soup.find(id=desc_id).get_text()
    assert len(svg.select("path.level-chart__line")) == 4
    assert len(svg.select("path.level-chart__marker")) == 8
    legend = soup.select_one(".level-legend").get_text(" ", strip=True)
    assert "Speaking (circle, solid line)" in legend
    assert "Listening (square, dashed line)" in legend
    rows = soup.select("table.level-table tbody tr")
    assert len(rows) == 8
    assert rows[-1].get_text(" ", strip=True).endswith("A2 – Elementary Camille")
    assert soup.select_one("table.level-table caption")


def test_the_progress_page_without_records_says_so_and_offers_the_quiz(client, student):
    client.force_login(student)
    page = client.get(PROGRESS).content.decode()
    assert "No level has been recorded yet." in page
    assert "<svg" not in page.split("<main", 1)[1]
    assert "/profile/placement/" in page


def test_the_progress_page_is_the_students_own(client, teacher):
    assert client.get(PROGRESS)["Location"].startswith("/accounts/login/")
    client.force_login(teacher)
    assert client.get(PROGRESS).status_code == 403


def test_the_profile_links_to_my_progress(client, student):
    client.force_login(student)
    assert 'href="/profile/progress/"' in client.get("/profile/").content.decode()
