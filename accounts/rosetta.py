"""Who may use Rosetta (ROSETTA_ACCESS_CONTROL_FUNCTION)."""

TRANSLATORS_GROUP = "Translators"


def can_translate(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name=TRANSLATORS_GROUP).exists()
