"""Shared CLI plumbing: the Typer app factory, global options, and the lazily built core.

There is no module-level app or state: ``build_cli(factory)`` makes a fresh app whose commands reach the
core through ``ctx.obj`` (a ``Runtime``), so tests inject a core factory instead of patching a module.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from typer.core import TyperGroup

from digestbot.errors import ConfigError, DigestbotError
from digestbot.settings import Settings, load_settings
from digestbot.telemetry.logs import configure_logging, escape_controls, use_format

if TYPE_CHECKING:
    from digestbot.conversation import Conversations
    from digestbot.core import Digestbot

CoreFactory = Callable[[Settings], "Digestbot"]


class DigestbotGroup(TyperGroup):
    """Turns domain errors into one line on stderr and exit status 1, wherever the CLI is invoked from."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click.Context
        try:
            return super().invoke(ctx)
        except DigestbotError as exc:
            fail(str(exc))


def default_factory(settings: Settings) -> Digestbot:
    """The production core: every configured platform's publisher and destinations."""
    from digestbot.app import build_core
    from digestbot.edge import platforms

    return build_core(
        settings,
        publishers=platforms.publishers(settings),
        destinations=platforms.configured_destinations(settings),
        messengers=platforms.messengers(settings),
    )


@dataclass
class Runtime:
    """What the global options set, and the core built from it on first use (``ctx.obj``)."""

    factory: CoreFactory
    data_dir: Path | None = None
    config: Path | None = None
    verbose: bool = False  # --verbose: every log line on the screen, digestbot's at DEBUG
    _settings: Settings | None = None
    _core: Digestbot | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """Settings from flags > env > config file > defaults; a bad value is a one-line ConfigError."""
        if self._settings is None:
            self._settings = _load(self.config, data_dir=self.data_dir)
            use_format(self._settings.log_format)
        return self._settings

    def core(self) -> Digestbot:
        """The core, built once."""
        if self._core is None:
            self._core = self.factory(self.settings)
        return self._core

    def conversations(self) -> Conversations:
        """The conversation core over this core (for the chat surfaces)."""
        from digestbot.app import build_conversations

        return build_conversations(self.core(), self.settings)


def runtime(ctx: typer.Context) -> Runtime:
    """The runtime the global options built for this invocation."""
    obj = ctx.find_root().obj
    if not isinstance(obj, Runtime):
        raise RuntimeError("digestbot CLI used without its global options callback")
    return obj


def new_app(factory: CoreFactory) -> typer.Typer:
    """An empty ``digestbot`` app whose global options build a ``Runtime`` over ``factory``."""
    app = typer.Typer(
        cls=DigestbotGroup,
        name="digestbot",
        help="A weekly security digest in chat: ingest issues, ask questions, deliver to Slack and Teams.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @app.callback()
    def main_options(
        ctx: typer.Context,
        data_dir: Annotated[
            Path | None,
            typer.Option(
                "--data-dir", help="Keep the database and index under DIR (env DIGESTBOT_DATA_DIR)."
            ),
        ] = None,
        config: Annotated[
            Path | None, typer.Option("--config", help="Config file (default: config/digestbot.toml).")
        ] = None,
        verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False,
    ) -> None:
        """digestbot: a weekly security digest in chat."""
        ctx.obj = Runtime(factory, data_dir=data_dir, config=config, verbose=verbose)
        configure_logging(verbose=verbose)

    return app


def _load(config: Path | None, **overrides: Any) -> Settings:
    if config is not None and not config.is_file():
        raise ConfigError(f"{config}: config file not found")
    try:
        return load_settings(config, **overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        raise ConfigError(f"invalid setting {where}: {first['msg']}") from None
    except ValueError as exc:  # a TOML syntax error
        raise ConfigError(f"{config or 'config/digestbot.toml'}: {exc}") from None


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line on stderr and exit (a file name with a newline in it stays on that line)."""
    typer.echo(f"digestbot: error: {escape_controls(message)}", err=True)
    raise SystemExit(code)


def parse_date(value: str) -> dt.date:
    """A YYYY-MM-DD argument; anything else is a usage error (exit 2)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def emit_json(payload: Any) -> None:
    """Print JSON (UTF-8, not ASCII-escaped) on stdout."""
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
