"""The domain: institutions, schools, partnerships, rallies, class runs, teams and scoring.

Nothing here speaks HTTP; the web pages, the authoring API, the client API and the CLI
all call the services in this package.
"""
