"""Every table module, imported so that ``Base.metadata`` knows them all (Alembic, tests)."""

from mynumber.adapters.db import (  # noqa: F401
    models,
    models_card,
    models_employer,
    models_immigration,
    models_insurance,
    models_oidc,
    models_pki,
    models_portal,
    models_register,
    models_sandbox,
)
from mynumber.adapters.db.models import Base

__all__ = ["Base"]
