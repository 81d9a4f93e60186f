"""Test support that ships with digestbot because the bench (``digestbot.benchmark``) uses it too: a local
Slack Web API emulator (``slack_emulator``, with its HTTP side and OAuth installs) and Slack's signed requests
(``slack_requests``). Nothing in the product's own paths imports it."""
