"""Use cases, one module per actor; each function takes a unit of work and a context."""
