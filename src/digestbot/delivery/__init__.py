"""Sending out: the weekly delivery, watch notices, story timelines, and the exactly-once outbox."""
