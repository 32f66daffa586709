"""Benchmarks run from the CLI (`mynumber bench …`); figures go in docs/benchmarks.md."""
