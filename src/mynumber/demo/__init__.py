"""Demo data: the demo world ``mynumber serve`` seeds, the municipalities every database has,
and the ``mynumber demo`` tour.
"""
