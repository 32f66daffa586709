"""Pure rules of the My Number system: no I/O, no framework."""
