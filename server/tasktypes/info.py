"""Info text: nothing to answer, nothing to configure."""

from flask_babel import lazy_gettext as _l

from server.tasktypes.base import TaskTypeUI

UI = TaskTypeUI(name="info", label=_l("Info-Text (ohne Antwort)"), parse=lambda form: {}, editor="info", order=10)
