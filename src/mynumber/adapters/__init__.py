"""Adapters: the database, mail, documents, photos, keys and the clock's outside world."""
