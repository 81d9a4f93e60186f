"""Reading documents in: sources, feeds, which links may be fetched, polling, and the report of an ingest."""
