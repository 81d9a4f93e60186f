"""Settings precedence: CLI flag > environment > config file > defaults; secrets stay secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from digestbot.settings import load_settings


@pytest.fixture
def toml(tmp_path: Path) -> Path:
    path = tmp_path / "digestbot.toml"
    path.write_text('default_k = 7\nport = 4000\nchannels = ["slack:C1"]\n[[sources]]\nlocation = "/srv/d"\n')
    return path


def test_defaults() -> None:
    settings = load_settings()
    assert settings.default_k == 5
    assert settings.resolved_index_dir == Path("index")
    assert settings.resolved_database_url.endswith("data/digestbot.sqlite3")
    assert not settings.chat_configured


def test_file_beats_defaults(toml: Path) -> None:
    settings = load_settings(toml)
    assert (settings.default_k, settings.port, settings.channels) == (7, 4000, ["slack:C1"])
    assert settings.sources[0].location == "/srv/d"


def test_env_beats_file(toml: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGESTBOT_DEFAULT_K", "9")
    assert load_settings(toml).default_k == 9


def test_flag_beats_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGESTBOT_DATA_DIR", str(tmp_path / "env"))
    assert load_settings(data_dir=tmp_path / "flag").data_dir == tmp_path / "flag"
    assert load_settings(data_dir=None).data_dir == tmp_path / "env"


def test_data_dir_holds_database_and_index(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.resolved_index_dir == tmp_path / "index"
    assert str(tmp_path) in settings.resolved_database_url


def test_config_file_in_working_directory_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "digestbot.toml").write_text("default_k = 3\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings().default_k == 3


def test_secrets_never_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGESTBOT_SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("DIGESTBOT_SLACK_SIGNING_SECRET", "shh")
    settings = load_settings()
    assert "xoxb-very-secret" not in repr(settings) and "shh" not in str(settings.model_dump())
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-very-secret"
    assert settings.chat_configured


def test_bad_values_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("port = 99999\n")
    with pytest.raises(ValidationError, match="port"):
        load_settings(bad)
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("prot = 1\n")
    with pytest.raises(ValidationError, match="prot"):
        load_settings(unknown)


def test_model_backend_defaults_and_choices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIGESTBOT_MODEL_CACHE_DIR")  # the suite's shared export
    settings = load_settings(data_dir=tmp_path)
    assert (settings.embed_backend, settings.embed_quantization, settings.query_cache_size) == (
        "onnx",
        "int8",
        1024,
    )
    assert settings.resolved_model_cache_dir == tmp_path / "index" / "models"
    monkeypatch.setenv("DIGESTBOT_EMBED_BACKEND", "torch")
    monkeypatch.setenv("DIGESTBOT_MODEL_CACHE_DIR", str(tmp_path / "models"))
    settings = load_settings(data_dir=tmp_path)
    assert (settings.embed_backend, settings.resolved_model_cache_dir) == ("torch", tmp_path / "models")
    monkeypatch.setenv("DIGESTBOT_EMBED_BACKEND", "tensorflow")
    with pytest.raises(ValidationError, match="embed_backend"):
        load_settings()


def test_oauth_mode_needs_client_id_secret_and_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not load_settings().slack_oauth
    monkeypatch.setenv("DIGESTBOT_SLACK_CLIENT_ID", "1234.5678")
    with pytest.raises(ValidationError, match="set both for OAuth installs, or neither"):
        load_settings()
    monkeypatch.setenv("DIGESTBOT_SLACK_CLIENT_SECRET", "client-secret")
    with pytest.raises(ValidationError, match="slack_signing_secret: required with slack_client_id"):
        load_settings()
    monkeypatch.setenv("DIGESTBOT_SLACK_SIGNING_SECRET", "shh")
    settings = load_settings()
    assert settings.slack_oauth and settings.chat_configured  # no bot token needed
    assert "client-secret" not in repr(settings)
    assert (settings.slack_token_rotation_minutes, settings.slack_redirect_uri) == (120, None)


def test_default_scopes_are_the_manifests() -> None:
    import yaml

    manifest = yaml.safe_load((Path(__file__).parents[1] / "config" / "slack-manifest.yaml").read_text())
    assert load_settings().slack_scopes == manifest["oauth_config"]["scopes"]["bot"]


def test_log_format_is_text_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().log_format == "text"
    monkeypatch.setenv("DIGESTBOT_LOG_FORMAT", "json")
    assert load_settings().log_format == "json"
    monkeypatch.setenv("DIGESTBOT_LOG_FORMAT", "xml")
    with pytest.raises(ValidationError, match="log_format"):
        load_settings()


def test_a_configured_channel_may_name_its_workspace() -> None:
    from digestbot.domain import Destination
    from digestbot.edge.platforms import configured_destinations

    settings = load_settings(channels=["slack:C1", "C2", "slack:T0NORTH01/C3"])
    assert configured_destinations(settings) == [
        Destination("slack", "C1"),
        Destination("slack", "C2"),
        Destination("slack", "C3", workspace="T0NORTH01"),
    ]


def test_the_relevance_operating_points_default_to_the_fitted_ones(tmp_path: Path) -> None:
    from digestbot.app import relevance_policy
    from digestbot.search.relevance import ANSWER_FROM, CONFIDENT_FROM

    fitted = relevance_policy(load_settings(data_dir=tmp_path))
    assert (fitted.answer_from, fitted.confident_from) == (ANSWER_FROM, CONFIDENT_FROM)
    higher = relevance_policy(load_settings(data_dir=tmp_path, relevance_answer_from=0.9))
    assert (higher.answer_from, higher.confident_from) == (0.9, 0.9)  # a lead needs at least an answer


def test_a_confident_level_under_the_fitted_answer_level_is_one_line(tmp_path: Path) -> None:
    from digestbot.app import relevance_policy
    from digestbot.errors import ConfigError
    from digestbot.search.relevance import ANSWER_FROM

    with pytest.raises(ConfigError, match="is above relevance_confident_from"):
        relevance_policy(load_settings(data_dir=tmp_path, relevance_confident_from=ANSWER_FROM / 2))
    with pytest.raises(ValidationError, match="relevance_answer_from"):
        load_settings(data_dir=tmp_path, relevance_answer_from=0.5, relevance_confident_from=0.4)
