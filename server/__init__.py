"""The application: factory, configuration, accounts, pages, authoring API, CLI, web player."""

from server.app import create_app

__all__ = ["create_app"]
