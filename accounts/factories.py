"""Factories for users in each role (tests and benchmarks)."""

import factory
from django.contrib.auth import get_user_model

from . import roles
from .levels import Skill
from .models import LevelRecord, PlacementAnswer, PlacementQuestion
from .progress.models import LevelSource


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def display_name(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.save()
        profile = obj.profile
        profile.display_name = extracted or obj.first_name
        profile.save(update_fields=["display_name"])


class StudentFactory(UserFactory):
    email = factory.Sequence(lambda n: f"student{n}@example.com")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            roles.add_to_group(obj, roles.STUDENTS)


class TeacherFactory(UserFactory):
    email = factory.Sequence(lambda n: f"teacher{n}@example.com")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            roles.add_to_group(obj, roles.TEACHERS)
            profile = obj.profile
            if not profile.slug:
                profile.slug = f"teacher-{obj.pk}"
                profile.save(update_fields=["slug"])


class EditorFactory(UserFactory):
    email = factory.Sequence(lambda n: f"editor{n}@example.com")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            roles.add_to_group(obj, roles.EDITORS)


class AdminFactory(UserFactory):
    email = factory.Sequence(lambda n: f"admin{n}@example.com")
    is_staff = True
    is_superuser = True


class LevelRecordFactory(factory.django.DjangoModelFactory):
    """A teacher's record: the student speaks at A2 (now unless told)."""

    class Meta:
        model = LevelRecord

    student = factory.SubFactory(StudentFactory)
    skill = Skill.SPEAKING
    level = "A2"
    source = LevelSource.TEACHER
    recorded_by = factory.SubFactory(TeacherFactory)


class PlacementQuestionFactory(factory.django.DjangoModelFactory):
    """An active question checking A1, with a right answer ("Bonjour") and a wrong one;
    ``answers=[("text", right), ...]`` gives others."""

    class Meta:
        model = PlacementQuestion
        skip_postgeneration_save = True

    text = factory.Sequence(lambda n: f"Question {n}: how do you say hello?")
    level = "A1"
    sort_order = factory.Sequence(lambda n: n)
    active = True

    @factory.post_generation
    def answers(obj, create, extracted, **kwargs):
        if not create:
            return
        for order, (text, right) in enumerate(extracted or [("Bonjour", True), ("Merci", False)]):
            PlacementAnswer.objects.create(
                question=obj, text=text, is_correct=right, sort_order=order
            )
