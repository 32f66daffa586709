"""Every table module, imported so that ``Base.metadata`` knows them all (Alembic, tests)."""

from mynumber.adapters.db import (  # noqa: F401
    models,
    models_card,
    models_employer,  # noqa: F401
    models_insurance,  # noqa: F401
    models_pki,  # noqa: F401
    models_portal,  # noqa: F401
)
from mynumber.adapters.db.models import Base

__all__ = ["Base"]
