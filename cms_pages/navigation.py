"""What the header and the calls to action offer each role.

Links to other apps use their public paths (see DESIGN.md "URLs") so this module does not
depend on their URL names.
"""

from dataclasses import dataclass

from accounts import roles


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    style: str = ""  # "primary" / "secondary" for buttons, "" for plain links


TEACHERS = Link("Teachers", "/teachers/")
PROFILE = Link("Profile", "/profile/")
ADMIN = Link("Admin", "/admin/")

NAVIGATION = {
    "visitor": [TEACHERS, Link("Log in", "/accounts/login/"), Link("Sign up", "/accounts/signup/")],
    "student": [
        TEACHERS,
        Link("Book a lesson", "/book/"),
        Link("My bookings", "/bookings/"),
        Link("Basket", "/basket/"),
        PROFILE,
    ],
    "teacher": [
        Link("Dashboard", "/teacher/"),
        Link("Availability", "/teacher/availability/"),
        PROFILE,
    ],
    "editor": [TEACHERS, ADMIN, PROFILE],
    "admin": [TEACHERS, ADMIN, PROFILE],
    "member": [TEACHERS, PROFILE],
}

CALLS_TO_ACTION = {
    "visitor": [
        Link("Sign up", "/accounts/signup/", "primary"),
        Link("Log in", "/accounts/login/", "secondary"),
    ],
    "student": [
        Link("Book a lesson", "/book/", "primary"),
        Link("Meet the teachers", "/teachers/", "secondary"),
    ],
    "teacher": [
        Link("Open your dashboard", "/teacher/", "primary"),
        Link("Set your availability", "/teacher/availability/", "secondary"),
    ],
    "editor": [Link("Edit the site", "/admin/", "primary")],
    "admin": [
        Link("Open the admin", "/admin/", "primary"),
        Link("Meet the teachers", "/teachers/", "secondary"),
    ],
    "member": [Link("Meet the teachers", "/teachers/", "primary")],
}


def navigation_for(user):
    """Header links for the user's role (admin > editor > teacher > student > visitor)."""
    return NAVIGATION[roles.role_of(user)]


def calls_to_action_for(user):
    """Buttons for heroes and call-to-action blocks: visitors are invited to sign up or log in,
    students to book a lesson, teachers to their dashboard, editors and admins to the admin."""
    return CALLS_TO_ACTION[roles.role_of(user)]
