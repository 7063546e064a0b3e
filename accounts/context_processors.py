from . import roles as role_rules


def roles(request):
    """Expose the viewer's role (visitor, student, teacher, editor, admin) to templates."""
    user = getattr(request, "user", None)
    return {"user_role": role_rules.role_of(user) if user is not None else "visitor"}
