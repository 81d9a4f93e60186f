"""Importing the Teams SDK must not load a .env into the process, and the core must not import the SDK."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import REPO

PROBE = textwrap.dedent(
    """
    import json, os, sys
    import digestbot.core, digestbot.app, digestbot.delivery.delivery, digestbot.render.teams
    before = "microsoft_teams" in " ".join(sys.modules)
    import digestbot.teams
    from digestbot.settings import load_settings
    from digestbot.teams.sdk import credentials
    settings = load_settings()
    print(json.dumps({
        "sdk_before": before,
        "sdk_after": "microsoft_teams.apps" in sys.modules,
        "port": settings.port,
        "teams_client_id": settings.teams_client_id,
        "leaked": sorted(n for n in ("CLIENT_ID", "CLIENT_SECRET", "DIGESTBOT_PORT", "PYTHON_DOTENV_DISABLED")
                         if n in os.environ),
        "credentials": credentials(settings) is not None,
    }))
    """
)


def test_a_dotenv_in_the_working_directory_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "CLIENT_ID=leaked-app\nCLIENT_SECRET=leaked-secret\nDIGESTBOT_PORT=4321\n"
        "DIGESTBOT_TEAMS_CLIENT_ID=leaked-app\n",
        encoding="utf-8",
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    )
    result = __import__("json").loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "sdk_before": False,  # the core and the Teams renderer never import the SDK
        "sdk_after": True,
        "port": 3000,
        "teams_client_id": None,
        "leaked": [],
        "credentials": False,
    }
