"""The shared test personas, built once per test database and looked up by every test that needs them.

Township A is 得胜镇 (villages A1 白象村, A2 仁和村); township B is 牛滩镇 (village B1 坳田村).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from minzheng.accounts.models import User
from minzheng.accounts.roles import Role

COUNTY = "510521"
TOWNSHIP_A = "510521103"
TOWNSHIP_B = "510521105"
VILLAGE_A1 = "510521103222"
VILLAGE_A2 = "510521103224"
VILLAGE_B1 = "510521105220"
PASSWORD = "Persona-password-2026"
REGIONS_FILE = Path(__file__).with_name("regions.csv")


@dataclass(frozen=True)
class PersonaSpec:
    key: str
    role: str
    region: str


PERSONA_SPECS: tuple[PersonaSpec, ...] = (
    PersonaSpec("county_admin", Role.COUNTY_ADMIN, COUNTY),
    PersonaSpec("county_approver", Role.COUNTY_APPROVER, COUNTY),
    PersonaSpec("auditor", Role.AUDITOR, COUNTY),
    PersonaSpec("township_a_head", Role.TOWNSHIP_HEAD, TOWNSHIP_A),
    PersonaSpec("township_a_clerk", Role.TOWNSHIP_CLERK, TOWNSHIP_A),
    PersonaSpec("township_b_clerk", Role.TOWNSHIP_CLERK, TOWNSHIP_B),
    PersonaSpec("village_a1_officer", Role.VILLAGE_OFFICER, VILLAGE_A1),
    PersonaSpec("village_a2_officer", Role.VILLAGE_OFFICER, VILLAGE_A2),
)
#: every persona key plus the anonymous resident
ALL_PERSONAS: tuple[str, ...] = (*(spec.key for spec in PERSONA_SPECS), "anonymous")


def ensure_personas() -> dict[str, User]:
    """Create the test county and the personas if they are missing (idempotent); return them by key."""
    from minzheng.accounts.services import user_create
    from minzheng.regions.models import Region
    from minzheng.regions.services import regions_import

    users = {
        u.username: u
        for u in User.objects.filter(username__in=[s.key for s in PERSONA_SPECS]).select_related("region")
    }
    if len(users) == len(PERSONA_SPECS):
        return users
    if not Region.objects.filter(code=VILLAGE_B1).exists():
        regions_import(actor=None, source=REGIONS_FILE, filename=REGIONS_FILE.name)
    for spec in PERSONA_SPECS:
        if spec.key not in users:
            users[spec.key] = user_create(
                actor=None,
                username=spec.key,
                password=PASSWORD,
                role=spec.role,
                region_code=spec.region,
                full_name=spec.key,
            )
    return users
