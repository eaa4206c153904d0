"""Order: option rows in the right order (the player shuffles them)."""

from flask_babel import lazy_gettext as _l

from server.tasktypes.base import TaskTypeUI, plain_options

UI = TaskTypeUI(name="order", label=_l("Reihenfolge"), editor="order", order=60,
                parse=lambda form: {"options": plain_options(form)})
