"""Case logs, the domain part (pure Python, no Flask): the procedure catalogue and targets,
patient references that are never PHI, and progress against targets."""

from .catalogue import Catalogue, Category, ProcedureType, Target, load_catalogue, load_default
from .patient_ref import problem as reference_problem
from .patient_ref import reference_hash
from .progress import LoggedCase, Measure, measure, progress

__all__ = ["Catalogue", "Category", "LoggedCase", "Measure", "ProcedureType", "Target",
           "load_catalogue", "load_default", "measure", "progress", "reference_hash",
           "reference_problem"]
