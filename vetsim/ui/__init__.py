"""Widget apps for notebooks and the Voilà dashboard: staffing explorer, budget explorer, meeting dashboard,
ledger import.

Apps are classes that hold their widgets and their current result; callbacks call the model and
lay out what comes back. Inputs are declared as data (``FieldSpec``), and every callback runs
through a ``SafeRunner`` so that bad input shows a readable Chinese message, never a traceback.
"""

from .budget_app import BUDGET_FIELDS, BudgetExplorer, fiscal_variant
from .common import App, ErrorPanel
from .dashboard import CARD_KEYS, DASHBOARD_FIELDS, MeetingDashboard
from .fields import FieldSpec, InputError, build_widget, read_field, read_fields
from .ledger_app import LedgerImporter
from .overlay import OverlayError, save_overlay
from .safe import SafeRunner, message_for
from .scenarios import ScenarioPicker, find_data_dir, list_scenarios
from .staff import StaffEditor
from .staffing_app import SAVE_FIELD, SIM_FIELDS, StaffingExplorer

__all__ = [
    "StaffingExplorer",
    "BudgetExplorer",
    "MeetingDashboard",
    "LedgerImporter",
    "DASHBOARD_FIELDS",
    "CARD_KEYS",
    "App",
    "ErrorPanel",
    "FieldSpec",
    "InputError",
    "build_widget",
    "read_field",
    "read_fields",
    "SafeRunner",
    "message_for",
    "ScenarioPicker",
    "find_data_dir",
    "list_scenarios",
    "StaffEditor",
    "save_overlay",
    "OverlayError",
    "fiscal_variant",
    "BUDGET_FIELDS",
    "SIM_FIELDS",
    "SAVE_FIELD",
]
