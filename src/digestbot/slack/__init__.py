"""The Slack surface: a Bolt app (``slack.app``), its listeners (``slack.handlers``) and mode runners."""
