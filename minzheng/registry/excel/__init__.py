"""Excel in and out for the household registry.

- `import_template()`: the .xlsx a clerk fills in (one row per member, households grouped by 户编号);
- `registry_import(...)`: check every row, then create all households at once or none (`ImportReport`);
- `error_workbook(report)`: the bad rows as .xlsx (行号, 列, 值, 错误说明);
- `registry_export(...)`: the scoped registry to .xlsx in constant memory, IDs masked per role.
"""

from minzheng.registry.excel.columns import COLUMNS, Column
from minzheng.registry.excel.export import registry_export
from minzheng.registry.excel.importing import ImportIssue, ImportReport, registry_import
from minzheng.registry.excel.template import error_workbook, import_template

__all__ = [
    "COLUMNS",
    "Column",
    "ImportIssue",
    "ImportReport",
    "error_workbook",
    "import_template",
    "registry_export",
    "registry_import",
]
