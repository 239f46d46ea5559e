"""The registry's hook for the benefit programs: every change to a household is announced after commit.

Receivers (the benefits app, later) re-check every decision that depends on the households named. They get:
`household_ids` (list[int]), `reason` (a registry event code such as "registry.member_moved"), `actor`.
"""

from django.dispatch import Signal

household_changed = Signal()
