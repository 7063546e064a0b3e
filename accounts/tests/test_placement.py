"""The optional placement quiz: its score suggests a starting level (climbing from A1, a
level with at least half its questions right is reached, the first one missed stops the
climb); the student accepts it (a record per skill, source placement, and the profile's
level) or ignores it, or skips the quiz; it works without JavaScript (plain forms)."""

import pytest
from bs4 import BeautifulSoup

from accounts.factories import PlacementQuestionFactory, StudentFactory
from accounts.levels import SKILLS
from accounts.models import LevelRecord, PlacementAttempt
from accounts.placement.scoring import suggest_level
from accounts.progress.models import LevelSource

pytestmark = pytest.mark.django_db
QUIZ = "/profile/placement/"


@pytest.mark.parametrize(
    ("results", "level"),
    [
        ([], "A1"),
        ([("A1", False), ("A2", True)], "A1"),
        ([("A1", True), ("A2", True), ("B1", False), ("B2", True)], "A2"),
        ([("A1", True), ("A1", False), ("A2", True), ("A2", False)], "A2"),  # half is enough
        ([("A1", True), ("A2", False), ("A2", False), ("A2", True)], "A1"),  # a third is not
        ([("A1", True), ("B2", True)], "B2"),  # levels without questions do not stop the climb
        ([(level, True) for level in ("A1", "A2", "B1", "B2", "C1", "C2")], "C2"),
    ],
)
def test_the_suggested_level_is_the_last_one_reached_before_the_first_missed(results, level):
    assert suggest_level(results) == level


@pytest.fixture
def quiz():
    """Two A1 questions, one A2, one B1; the right answer is always the first."""
    return [
        PlacementQuestionFactory(level="A1", answers=[("Bonjour", True), ("Merci", False)]),
        PlacementQuestionFactory(level="A1", answers=[("Je suis", True), ("Je es", False)]),
        PlacementQuestionFactory(
            level="A2", answers=[("Hier, j'ai mangé", True), ("Hier, je mange", False)]
        ),
        PlacementQuestionFactory(
            level="B1", answers=[("Si j'avais", True), ("Si j'aurais", False)]
        ),
        PlacementQuestionFactory(level="C2", active=False),
    ]


def answers_for(questions, right):
    """The quiz form's data: the first (right) answer for the questions in ``right``."""
    data = {}
    for index, question in enumerate(questions):
        answers = list(question.answers.order_by("sort_order"))
        data[f"question_{question.pk}"] = str(answers[0 if index in right else 1].pk)
    return data


def test_the_quiz_asks_the_active_questions_in_order_as_radio_groups(client, student, quiz):
    client.force_login(student)
    soup = BeautifulSoup(client.get(QUIZ).content, "html.parser")
    legends = [legend.get_text() for legend in soup.select("fieldset.placement-question legend")]
    assert len(legends) == 4
    assert legends[0].startswith("Question 1: ")
    assert len(soup.select("input[type=radio]")) == 8
    assert soup.select_one("form[method=post] button[type=submit]")
    assert soup.find("a", string="Skip the quiz")["href"] == "/teachers/"


def test_taking_the_quiz_then_accepting_records_the_level_for_every_skill(client, student, quiz):
    client.force_login(student)
    response = client.post(QUIZ, answers_for(quiz[:4], right={0, 1, 2}))
    attempt = PlacementAttempt.objects.get(student=student)
    assert (attempt.suggested_level, attempt.correct, attempt.asked) == ("A2", 3, 4)
    assert response["Location"] == f"/profile/placement/{attempt.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Your suggested level: A2" in page
    assert not LevelRecord.objects.exists()  # nothing until accepted

    response = client.post(f"/profile/placement/{attempt.pk}/accept/")
    assert response["Location"] == "/profile/progress/"
    records = list(LevelRecord.objects.filter(student=student))
    assert sorted(r.skill for r in records) == sorted(SKILLS)
    assert {(r.level, r.source, r.recorded_by) for r in records} == {
        ("A2", LevelSource.PLACEMENT, None)
    }
    student.profile.refresh_from_db()
    assert student.profile.cefr_level == "A2"

    client.post(f"/profile/placement/{attempt.pk}/accept/")  # a second click
    assert LevelRecord.objects.filter(student=student).count() == 4


def test_ignoring_the_suggestion_records_nothing(client, student, quiz):
    client.force_login(student)
    client.post(QUIZ, answers_for(quiz[:4], right=set()))
    attempt = PlacementAttempt.objects.get(student=student)
    soup = BeautifulSoup(client.get(f"/profile/placement/{attempt.pk}/").content, "html.parser")
    assert soup.find("a", string="No thanks, keep my level as it is")["href"] == "/teachers/"
    assert not LevelRecord.objects.exists()
    assert attempt.accepted_at is None


def test_a_blank_quiz_suggests_a1(client, student, quiz):
    client.force_login(student)
    client.post(QUIZ, {})
    assert PlacementAttempt.objects.get(student=student).suggested_level == "A1"


def test_an_answer_of_another_question_is_a_message_not_an_error(client, student, quiz):
    client.force_login(student)
    foreign = quiz[1].answers.first().pk
    response = client.post(QUIZ, {f"question_{quiz[0].pk}": str(foreign)})
    assert response.status_code == 400
    assert "Please choose one of the answers given." in response.content.decode()
    assert not PlacementAttempt.objects.exists()


def test_the_finish_profile_step_offers_the_quiz_and_skipping_it(client, student, quiz):
    client.force_login(student)
    soup = BeautifulSoup(client.get("/profile/finish/?next=/book/").content, "html.parser")
    offer = soup.select_one(".placement-offer a")
    assert offer["href"] == "/profile/placement/?next=%2Fbook%2F"
    assert soup.find("a", string="Skip for now")["href"] == "/book/"
    # Taken from there, the quiz keeps where the student was going.
    response = client.post(offer["href"], {**answers_for(quiz[:4], right={0}), "next": "/book/"})
    attempt = PlacementAttempt.objects.get()
    assert response["Location"] == f"/profile/placement/{attempt.pk}/?next=/book/"
    response = client.post(f"/profile/placement/{attempt.pk}/accept/", {"next": "/book/"})
    assert response["Location"] == "/book/"


def test_without_active_questions_the_quiz_is_not_offered(client, student):
    PlacementQuestionFactory(active=False)
    client.force_login(student)
    assert "placement-offer" not in client.get("/profile/finish/").content.decode()
    assert "not available" in client.get(QUIZ).content.decode()


def test_an_attempt_is_its_students_own(client, student, quiz):
    attempt = PlacementAttempt.objects.create(student=StudentFactory(), suggested_level="B1")
    client.force_login(student)
    assert client.get(f"/profile/placement/{attempt.pk}/").status_code == 404
    assert client.post(f"/profile/placement/{attempt.pk}/accept/").status_code == 404
    assert not LevelRecord.objects.exists()


def test_the_quiz_is_for_students(client, teacher):
    assert client.get(QUIZ)["Location"].startswith("/accounts/login/")
    client.force_login(teacher)
    assert client.get(QUIZ).status_code == 403


def test_an_offsite_next_is_ignored(client, student, quiz):
    client.force_login(student)
    response = client.post(QUIZ, {"next": "https://evil.example/"})
    assert response["Location"] == f"/profile/placement/{PlacementAttempt.objects.get().pk}/"


def question_form_data(answers):
    data = {
        "text": "Which is right?",
        "level": "B1",
        "sort_order": "1",
        "active": "on",
        "answers-TOTAL_FORMS": str(len(answers)),
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "2",
        "answers-MAX_NUM_FORMS": "6",
    }
    for index, (text, right) in enumerate(answers):
        data[f"answers-{index}-text"] = text
        data[f"answers-{index}-ORDER"] = str(index + 1)
        if right:
            data[f"answers-{index}-is_correct"] = "on"
    return data


def test_editors_add_questions_with_a_right_answer_in_the_admin(client, editor):
    from django.urls import reverse

    from accounts.models import PlacementQuestion

    url = reverse(PlacementQuestion.snippet_viewset.get_url_name("add"))
    client.force_login(editor)
    assert client.get(url).status_code == 200
    response = client.post(url, question_form_data([("Oui", False), ("Non", False)]))
    assert response.status_code == 200
    assert "Tick the right answer" in response.content.decode()
    assert not PlacementQuestion.objects.exists()
    response = client.post(url, question_form_data([("Oui", True), ("Non", False)]))
    assert response.status_code == 302, response.content.decode()[:2000]
    question = PlacementQuestion.objects.get()
    assert [(a.text, a.is_correct) for a in question.answers.all()] == [
        ("Oui", True),
        ("Non", False),
    ]
    list_url = reverse(PlacementQuestion.snippet_viewset.get_url_name("list"))
    assert "Which is right?" in client.get(list_url).content.decode()
