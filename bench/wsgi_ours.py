"""Our app as gunicorn runs it in the benchmark: production settings from the environment.

One override: the join limit per address. The benchmark joins a few thousand teams from
127.0.0.1, far beyond the 600 an hour one school address may; the team write limit (120 a
minute per team) stays as shipped, and no simulated team comes near it.
"""

from server import create_app

app = create_app({"CLIENT_JOIN_LIMIT": "1000000 per hour"})
