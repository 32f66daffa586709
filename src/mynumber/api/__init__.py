"""The HTTP API (FastAPI): thin routers per actor that translate HTTP to use cases."""
