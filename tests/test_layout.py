"""Each feature lives where it belongs, inside the product owner's layout (README, DESIGN):

- lesson reviews are about lessons: ``booking.LessonReview`` (its table is kept);
- testimonials and the newsletter are marketing: ``cms_pages/testimonials/`` and
  ``cms_pages/newsletter/`` sub-packages, no flat ``community_*.py`` files;
- the CMS imports no booking models and hides no import inside a function to dodge a cycle;
  booking does not look reviews up through ``_meta``;
- dashboard panels sit in the app whose data they show; ``run_scheduler`` in site_config.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import get_commands

from tests.test_dependency_direction import imported_modules, imports_in, package_of

ROOT = Path(__file__).resolve().parent.parent
SUBPACKAGE_MODULES = {
    "testimonials": ("models", "forms", "views", "urls", "admin", "blocks"),
    "newsletter": ("models", "forms", "views", "urls", "admin", "tasks", "blocks"),
}


def sources(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" not in relative and "/migrations/" not in relative:
            yield relative, path


def test_lesson_reviews_belong_to_booking_and_keep_their_table():
    review = apps.get_model("booking", "LessonReview")
    assert review._meta.db_table == "cms_pages_lessonreview"
    with pytest.raises(LookupError):
        apps.get_model("cms_pages", "LessonReview")


@pytest.mark.parametrize("feature", sorted(SUBPACKAGE_MODULES))
def test_marketing_features_are_cms_pages_sub_packages(feature):
    package = ROOT / "cms_pages" / feature
    for module in SUBPACKAGE_MODULES[feature]:
        assert (package / f"{module}.py").is_file(), f"cms_pages/{feature}/{module}.py"
    assert (ROOT / "cms_pages" / "templates" / "cms_pages" / feature).is_dir()


def test_no_flat_community_modules_remain():
    flat = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "cms_pages").rglob("community*")
        if "tests" not in path.parts and "__pycache__" not in path.parts
    )
    assert flat == []


def test_the_cms_imports_no_booking_models():
    wrong = []
    for relative, path in sources("cms_pages"):
        for node, _function, _config in imports_in(path):
            for module in imported_modules(node, package_of(relative)):
                if module == "booking.models" or module.startswith("booking.models."):
                    wrong.append(f"{relative}:{node.lineno}")
    assert wrong == []


def test_the_cms_hides_no_project_import_inside_a_function():
    project = ("accounts", "booking", "commerce", "cms_pages", "site_config")
    hidden = []
    for relative, path in sources("cms_pages"):
        for node, function, in_config in imports_in(path):
            modules = imported_modules(node, package_of(relative))
            if function is None or (in_config and function == "ready"):
                continue
            if any(module.split(".")[0] in project for module in modules):
                hidden.append(f"{relative}:{node.lineno} ({function})")
    assert hidden == []


def test_booking_does_not_look_for_reviews_through_meta():
    for relative, path in sources("booking"):
        text = path.read_text()
        assert "related_objects" not in text, relative
        assert 'get_model("cms_pages"' not in text, relative


def test_dashboard_panels_live_with_their_data():
    assert not (ROOT / "cms_pages" / "dashboard.py").exists()
    assert "BookingsPanel" in (ROOT / "booking" / "dashboard.py").read_text()
    assert "RevenuePanel" in (ROOT / "commerce" / "dashboard.py").read_text()


def test_run_scheduler_is_a_site_config_command():
    assert get_commands()["run_scheduler"] == "site_config"
