"""Settings: built once at the entry point and passed down.

Precedence: CLI flag (init kwargs) > environment (``DIGESTBOT_*``) > ``config/digestbot.toml`` > defaults.
Secrets are ``SecretStr`` so they never appear in a repr or a log line.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from digestbot.errors import ConfigError

DEFAULT_CONFIG_FILE = Path("config/digestbot.toml")
# The bot scopes an OAuth install asks for: config/slack-manifest.yaml's (a test keeps them equal).
SLACK_BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "app_mentions:read",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "im:write",
    "reactions:write",
    "channels:read",
)


class SourceConfig(BaseSettings):
    """One place new issues come from: a folder, a web page or an RSS/Atom feed."""

    model_config = SettingsConfigDict(extra="forbid")

    location: str = Field(description="A folder path, a page URL or a feed URL.")
    kind: str = Field(default="auto", description="auto, folder, page or feed.")


class Settings(BaseSettings):
    """Every setting digestbot reads. See config/digestbot.example.toml for the commented list."""

    model_config = SettingsConfigDict(
        env_prefix="DIGESTBOT_",
        extra="forbid",
        validate_default=True,
        toml_file=DEFAULT_CONFIG_FILE,
    )

    # Storage
    data_dir: Path | None = None
    database_url: str | None = None
    index_dir: Path | None = None

    # Model
    model_path: Path | None = Field(
        default=None, description="A sentence-transformers model directory; default: the packaged MiniLM."
    )
    # Batch 8: torch encodes as fast as with 64 but peaks at ~560 MB instead of ~1 GB; ONNX ingests faster
    # with 8 than with 32 (measured; bench/README.md).
    embed_batch_size: int = Field(default=8, ge=1, le=1024)
    embed_backend: Literal["torch", "onnx"] = Field(
        default="onnx",
        description="onnx: the model exported once to ONNX and run by onnxruntime (no torch at run time); "
        "torch: sentence-transformers as it is. Figures in bench/README.md.",
    )
    embed_quantization: Literal["int8", "fp32"] = Field(
        default="int8", description="The ONNX export's weights (the torch backend always runs fp32)."
    )
    model_cache_dir: Path | None = Field(
        default=None, description="Where the ONNX export is kept; default: INDEX_DIR/models."
    )
    query_cache_size: int = Field(
        default=1024, ge=0, le=1_000_000, description="Query vectors kept (LRU); 0 turns the cache off."
    )

    # Answers
    max_question_chars: int = Field(default=500, ge=20, le=10_000)
    default_k: int = Field(default=5, ge=1, le=50)
    # The relevance policy (digestbot.search.relevance): the probability (that the archive answers) below
    # which the answer is "nothing found", and below which it is offered as the closest items found.
    # Unset: the operating points fitted for the packaged MiniLM model (written once, in that module).
    relevance_answer_from: float | None = Field(default=None, ge=0.0, le=1.0)
    relevance_confident_from: float | None = Field(default=None, ge=0.0, le=1.0)

    # Timelines and watches
    timeline_items: int = Field(
        default=60, ge=1, le=500, description="At most this many items make a timeline (its search depth)."
    )
    timeline_page_items: int = Field(
        default=10, ge=1, le=50, description="Items per page of a timeline; `timeline X page 2` shows more."
    )
    max_watches: int = Field(default=10, ge=1, le=100, description="Watches one user may hold.")
    max_watch_topic_chars: int = Field(default=100, ge=10, le=300, description="The longest watch topic.")

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    # Many workspaces: the app's OAuth credentials turn on /slack/install (with the signing secret).
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_scopes: list[str] = Field(default_factory=lambda: list(SLACK_BOT_SCOPES))
    slack_redirect_uri: str | None = Field(
        default=None,
        description="https://YOUR_HOST/slack/oauth_redirect; needed when the app lists several.",
    )
    slack_token_rotation_minutes: int = Field(
        default=120, ge=1, le=720, description="Refresh a rotating token this long before it expires."
    )
    slack_max_pending_installs: int = Field(
        default=500,
        ge=1,
        le=100_000,
        description="Unfinished installs at once; /slack/install says 429 past it.",
    )

    # Teams
    teams_client_id: str | None = None
    teams_client_secret: SecretStr | None = None
    teams_tenant_id: str | None = None
    teams_allow_unauthenticated: bool = False

    # HTTP server
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=0, le=65535)

    # Delivery
    sources: list[SourceConfig] = Field(default_factory=list)
    # Feed entry links are written by whoever controls the feed: by default only public http(s) addresses.
    allow_private_feed_links: bool = False
    max_feed_entries: int = Field(default=50, ge=1, le=10_000)
    channels: list[str] = Field(default_factory=list)
    schedule: str = Field(default="0 9 * * tue", description="Cron expression for poll-and-deliver.")
    timezone: str = "UTC"

    # Several replicas on one database
    archive_poll_seconds: float = Field(
        default=5.0,
        ge=0.5,
        le=3600,
        description="How often `serve` checks whether another process changed the archive (seconds).",
    )
    delivery_lease_seconds: float = Field(
        default=60.0,
        ge=1,
        le=3600,
        description="How long an unrenewed delivery claim stays with its process (seconds).",
    )

    log_level: str = "INFO"
    log_format: Literal["text", "json"] = Field(
        default="text", description="json: one JSON object per log line, for log collectors."
    )

    @field_validator("database_url")
    @classmethod
    def _url_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        return value

    @model_validator(mode="after")
    def _answer_below_confident(self) -> Settings:
        answer, confident = self.relevance_answer_from, self.relevance_confident_from
        if answer is not None and confident is not None and not answer <= confident:
            raise ValueError(
                f"need relevance_answer_from ({self.relevance_answer_from}) <= relevance_confident_from "
                f"({self.relevance_confident_from})"
            )
        return self

    @model_validator(mode="after")
    def _oauth_complete(self) -> Settings:
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            raise ValueError(
                "slack_client_id and slack_client_secret: set both for OAuth installs, or neither"
            )
        if self.slack_client_id is not None and self.slack_signing_secret is None:
            raise ValueError(
                "slack_signing_secret: required with slack_client_id (OAuth installs are served over HTTP)"
            )
        return self

    @field_validator("channels")
    @classmethod
    def _slack_channels_only(cls, value: list[str]) -> list[str]:
        for channel in value:
            platform, sep, channel_id = channel.partition(":")
            if (sep and platform != "slack") or not (channel_id if sep else channel).strip():
                raise ValueError(
                    f"{channel!r}: list Slack channels as 'slack:C0123' or 'C0123'; "
                    "Teams conversations are added by installing the app in them"
                )
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    # -- derived locations -------------------------------------------------------------------------

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL: explicit, else a SQLite file under the data directory (or ``data/``)."""
        if self.database_url:
            return self.database_url
        base = self.data_dir if self.data_dir is not None else Path("data")
        return f"sqlite:///{(base / 'digestbot.sqlite3').resolve()}"

    @property
    def resolved_index_dir(self) -> Path:
        """Where the FAISS index lives: explicit, else ``DATA_DIR/index``, else ``index/``."""
        if self.index_dir is not None:
            return self.index_dir
        if self.data_dir is not None:
            return self.data_dir / "index"
        return Path("index")

    @property
    def resolved_model_cache_dir(self) -> Path:
        """Where exported models live: explicit, else ``models/`` inside the index directory."""
        return (
            self.model_cache_dir if self.model_cache_dir is not None else self.resolved_index_dir / "models"
        )

    @property
    def slack_oauth(self) -> bool:
        """Many workspaces: installs through OAuth, each workspace's token kept in the database."""
        return (
            self.slack_client_id is not None
            and self.slack_client_secret is not None
            and self.slack_signing_secret is not None
        )

    @property
    def chat_configured(self) -> bool:
        """Whether any chat platform has credentials; without them ``serve`` opens a console chat."""
        slack = self.slack_oauth or (
            self.slack_bot_token is not None
            and (self.slack_app_token is not None or self.slack_signing_secret is not None)
        )
        teams = self.teams_client_id is not None or self.teams_allow_unauthenticated
        return slack or teams


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build Settings from defaults, the TOML file, the environment and explicit overrides (highest).

    ``overrides`` whose value is None are ignored, so unset CLI flags do not mask lower layers.
    """
    toml_file = config_file if config_file is not None else DEFAULT_CONFIG_FILE
    bound = type("Settings", (Settings,), {"model_config": {**Settings.model_config, "toml_file": toml_file}})
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        settings: Settings = bound(**given)
    except RecursionError:  # tomllib and json parse nesting recursively: 100,000 `[` exhaust the stack
        raise ConfigError(f"{_too_deep(toml_file)}: nested too deeply to read") from None
    return settings


def _too_deep(toml_file: Path) -> str:
    """Which input was nested too deeply: the config file if it is, else a ``DIGESTBOT_*`` variable
    (pydantic-settings reads list and table values from the environment as JSON)."""
    try:
        with toml_file.open("rb") as file:
            tomllib.load(file)
    except RecursionError:
        return str(toml_file)
    except (OSError, ValueError):
        pass
    return "a DIGESTBOT_* environment variable"
