"""Every table module, imported so that ``Base.metadata`` knows them all (Alembic, tests)."""

from mynumber.adapters.db import models, models_card  # noqa: F401
from mynumber.adapters.db import models_pki  # noqa: F401
from mynumber.adapters.db.models import Base

__all__ = ["Base"]
