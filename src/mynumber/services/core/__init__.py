"""What every use case shares: the caller and its context, the audit log, API tokens, the row
look-ups of people and municipalities, and the check of the organisation a caller acts for.

Actor: none of its own. Rules called: ``domain.access`` (roles and purposes), ``domain.errors``.
"""
