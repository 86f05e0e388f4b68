"""Imports every model module so that metadata is complete wherever tables are needed."""

from app.academy.models import Offering, Registration  # noqa: F401
from app.accounts.models import RoleGrant, User  # noqa: F401
from app.audit.models import AuditEvent  # noqa: F401
from app.cache import CacheStamp  # noqa: F401
from app.content.models import ContentVersion  # noqa: F401
from app.enrollment.models import Application, Choice, Claim, Cycle, CycleProgram  # noqa: F401
from app.notifications.models import OutboxMessage  # noqa: F401
from app.portal.models import Student  # noqa: F401  (and every other portal table)
from app.schools.models import (  # noqa: F401
    Demographic,
    DistrictOutcome,
    Metric,
    Outcome,
    Program,
    Resource,
    School,
    Source,
    Subgroup,
)
from app.translate.models import CatalogVersion, Message  # noqa: F401  (and every workbench table)
