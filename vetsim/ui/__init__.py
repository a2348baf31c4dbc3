"""Widget apps for notebooks and the Voilà dashboard: staffing explorer, budget explorer, meeting dashboard,
ledger import.

Apps are classes that hold their widgets and their current result; callbacks call the model and
lay out what comes back. Inputs are declared as data (``FieldSpec``), and every callback runs
through a ``SafeRunner`` so that bad input shows a readable Chinese message, never a traceback.

Names are exported lazily (``vetsim._lazy``): ``from vetsim.ui import MeetingDashboard`` loads the
dashboard's modules only, not the budget explorer's charts and Excel writer nor the ledger importer
(the dashboard's first cards come sooner).
"""

from __future__ import annotations

from .._lazy import lazy_attributes

_MODULES: dict[str, tuple[str, ...]] = {
    "budget_app": ("BUDGET_FIELDS", "BudgetExplorer", "fiscal_variant"),
    "common": ("App", "ErrorPanel"),
    "dashboard": ("CARD_KEYS", "DASHBOARD_FIELDS", "MeetingDashboard"),
    "fields": ("FieldSpec", "InputError", "build_widget", "read_field", "read_fields"),
    "ledger_app": ("LedgerImporter",),
    "overlay": ("OverlayError", "save_overlay"),
    "safe": ("SafeRunner", "message_for"),
    "scenarios": ("ScenarioPicker", "find_data_dir", "list_scenarios"),
    "staff": ("StaffEditor",),
    "staffing_app": ("SAVE_FIELD", "SIM_FIELDS", "StaffingExplorer"),
}
# public name -> (module, attribute), imported on first access (PEP 562)
_LAZY: dict[str, tuple[str, str]] = {name: (f"vetsim.ui.{module}", name)
                                     for module, names in _MODULES.items() for name in names}

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

__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
