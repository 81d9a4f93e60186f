"""The edges of the process: the ASGI server and its helpers, serve, the scheduler, the console
chat, platform wiring, operator signals."""
