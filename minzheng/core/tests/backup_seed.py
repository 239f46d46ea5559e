"""A small site built through the real services in a child process (a household with its scanned papers on 低保,
an approved roster and its bank file), for the backup round trip. Prints what the restore must bring back."""

from __future__ import annotations

import json
from datetime import date

import django


def seed() -> dict[str, object]:
    from minzheng.core.testing.personas import ensure_personas
    from minzheng.payments import bankfiles
    from minzheng.payments.models import BankExport
    from minzheng.payments.tests.factories import approved_cycle, approved_dibao
    from minzheng.registry.models import Document

    personas = ensure_personas()
    approved_dibao(personas)
    cycle = approved_cycle(personas, date(2025, 4, 1))
    template = bankfiles.templates_for(cycle.region_id)[0]
    bankfiles.bank_file_export(actor=personas["township_a_clerk"], cycle=cycle, template=template)
    return {
        "documents": dict(Document.objects.values_list("stored_name", "sha256")),
        "exports": list(BankExport.objects.exclude(stored_name="").values_list("stored_name", flat=True)),
    }


if __name__ == "__main__":
    django.setup()
    print(json.dumps(seed()))
