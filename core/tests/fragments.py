"""Checks each app's fragment tests run (core.cache: a template plus shown(item)):
the template shows every value of its shown() dict, and reads nothing else."""

import contextlib
from datetime import datetime, timedelta

from django.template import Context
from django.template.loader import get_template
from django.test.signals import template_rendered

from core.cache import READER_SLOT, fragment_render

INVALID = "<<READ-OUTSIDE-SHOWN>>"


def changed(value):
    """Another value of the same kind, which a template that shows `value` shows differently."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1000
    if isinstance(value, str):
        return f"{value}x"
    if isinstance(value, datetime):
        return value - timedelta(days=400)
    if isinstance(value, tuple) and value:
        return value + value[:1]  # one more of the same (another image in the grid)
    raise TypeError(f"shown() values are plain: add a change for {type(value).__name__}")


@contextlib.contextmanager
def renders_of(template_name: str):
    """The list of renders of `template_name` within the block."""
    renders = []

    def record(sender, template, context, **kwargs):
        if template.name == template_name:
            renders.append(template.name)

    template_rendered.connect(record)
    try:
        yield renders
    finally:
        template_rendered.disconnect(record)


def assert_every_shown_value_shows(render, fragments, item, monkeypatch) -> None:
    """Change each value of fragments.shown(item) in turn: `render()` (the app's cached
    path) must render the item again and show different HTML. A value the template
    ignores fails here; one it reads from elsewhere fails assert_reads_only_shown."""
    original = fragments.shown
    values = original(item)
    with renders_of(fragments.TEMPLATE) as renders:
        before = render()
        assert render() == before and len(renders) == 1, "the second render must be a cache hit"
        for name, value in values.items():
            monkeypatch.setattr(
                fragments, "shown", lambda item, name=name, value=value: {**original(item), name: changed(value)}
            )
            count = len(renders)
            after = render()
            assert len(renders) == count + 1, f"changing {name!r} must be a cache miss"
            assert after != before, f"the template does not show {name!r}"
    monkeypatch.setattr(fragments, "shown", original)


class _Recording(Context):
    """A context that notes every name the template looks up."""

    def __init__(self, values):
        super().__init__(values)
        self.looked_up, self.assigned = set(), set()

    def __getitem__(self, key):
        self.looked_up.add(key)
        return super().__getitem__(key)

    def __setitem__(self, key, value):
        self.assigned.add(key)  # {% url … as name %}: the template's own names
        super().__setitem__(key, value)

    def get(self, key, otherwise=None):
        self.looked_up.add(key)
        return super().get(key, otherwise)

    def __contains__(self, key):
        self.looked_up.add(key)
        return super().__contains__(key)


def assert_reads_only_shown(template_name: str, shown: dict, settings) -> str:
    """Render `template_name` from `shown` alone with string_if_invalid set: no value
    may come from outside it (not even in an {% if %}, which string_if_invalid misses).
    Returns the HTML."""
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine.get("OPTIONS", {}), "string_if_invalid": INVALID}}
        for engine in settings.TEMPLATES
    ]
    template = get_template(template_name)
    html = fragment_render(template, shown)
    assert INVALID not in html
    context = _Recording({**shown, "reader_slot": READER_SLOT})
    template.template.render(context)
    outside = context.looked_up - context.assigned - {*shown, "reader_slot"}
    assert not outside, f"{template_name} reads {outside} from outside shown()"
    return html
