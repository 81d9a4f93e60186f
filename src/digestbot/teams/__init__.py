"""The Microsoft Teams surface: ``/api/messages`` for the shared server, and weekly delivery.

``build_teams_routes(settings, conversations)`` gives the route to mount; ``build_teams_publisher(settings)``
the ``Publisher`` for the ``Deliverer``; ``TeamsMessenger`` over it sends watch notices to 1:1 chats.
Importing this package imports the Teams SDK (``digestbot.teams.sdk`` keeps its import-time
``load_dotenv()`` from touching the environment); the core never imports it.
"""

from digestbot.teams.messenger import TeamsMessenger
from digestbot.teams.publisher import TeamsPublisher, build_teams_publisher
from digestbot.teams.routes import build_teams_routes

__all__ = ["TeamsMessenger", "TeamsPublisher", "build_teams_publisher", "build_teams_routes"]
