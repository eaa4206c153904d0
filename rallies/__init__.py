"""The domain: institutions, schools, partnerships, rallies, class runs, teams and scoring.

Nothing here speaks HTTP; the web pages, the authoring API, the client API and the CLI
all call the services in this package.
"""

from rallies import marshmallow_messages  # noqa: E402,F401 - before any schema is built
