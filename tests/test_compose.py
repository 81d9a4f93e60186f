"""docker-compose.yml (PostgreSQL + `digestbot db upgrade` + two replicas) is valid YAML and wired the way
the README says. No Docker engine runs in CI: this checks the file, not a running stack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from digestbot.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return loaded


def test_postgres_then_the_migration_then_two_replicas_of_the_dockerfiles_image() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "migrate", "replica-1", "replica-2"}
    assert services["db"]["image"] == "postgres:15"
    assert services["migrate"]["command"] == ["digestbot", "db", "upgrade"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert (REPO / services["migrate"]["build"] / "Dockerfile").is_file()
    replicas = [services["replica-1"], services["replica-2"]]
    for replica in replicas:
        assert replica["image"] == services["migrate"]["image"] and replica["build"] == "."
        assert replica["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert "/readyz" in " ".join(replica["healthcheck"]["test"])
    assert replicas[0]["ports"] != replicas[1]["ports"]
    assert replicas[0]["volumes"] != replicas[1]["volumes"]  # each its own index


def test_every_replica_and_the_migration_use_the_same_database_and_real_settings() -> None:
    services = compose()["services"]
    environments = [services[name]["environment"] for name in ("migrate", "replica-1", "replica-2")]
    assert environments[0] == environments[1] == environments[2]
    url = environments[0]["DIGESTBOT_DATABASE_URL"]
    db = services["db"]["environment"]
    assert url == (
        f"postgresql+psycopg://{db['POSTGRES_USER']}:{db['POSTGRES_PASSWORD']}@db:5432/{db['POSTGRES_DB']}"
    )
    for name in environments[0]:  # each variable is a setting, and a valid value
        assert (
            name.startswith("DIGESTBOT_") and name.removeprefix("DIGESTBOT_").lower() in Settings.model_fields
        )
    Settings(**{name.removeprefix("DIGESTBOT_").lower(): value for name, value in environments[0].items()})
