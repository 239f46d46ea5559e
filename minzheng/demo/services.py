"""The demo county (泸县， 510521): its real division list and one user per role. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from minzheng.accounts.models import User
from minzheng.accounts.roles import Role
from minzheng.accounts.services import user_create
from minzheng.audit import events
from minzheng.audit.services import audit_record
from minzheng.policy.models import PolicyVersion
from minzheng.policy.presets import preset
from minzheng.policy.services import policy_version_create
from minzheng.regions.services import ImportResult, regions_import

DEMO_COUNTY = "510521"
DEMO_PREFECTURE = "5105"
DEMO_REGIONS_FILE = Path(__file__).resolve().parent.parent / "regions" / "data" / f"{DEMO_COUNTY}.csv"
DEMO_PASSWORD = "Minzheng-demo-2026"  # noqa: S105 - printed on purpose: the demo's logins are public


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    region: str
    description: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "县民政局管理员", Role.COUNTY_ADMIN, "510521", "泸县 县级管理员"),
    DemoUser("approver", "王审批", Role.COUNTY_APPROVER, "510521", "泸县 县级审批人员"),
    DemoUser("auditor", "赵审计", Role.AUDITOR, "510521", "泸县 审计监督人员"),
    DemoUser("desheng_head", "刘镇长", Role.TOWNSHIP_HEAD, "510521103", "得胜镇 分管领导"),
    DemoUser("desheng_clerk", "陈助理", Role.TOWNSHIP_CLERK, "510521103", "得胜镇 民政助理"),
    DemoUser("niutan_clerk", "周助理", Role.TOWNSHIP_CLERK, "510521105", "牛滩镇 民政助理"),
    DemoUser("baixiang_officer", "李信息员", Role.VILLAGE_OFFICER, "510521103222", "得胜镇 白象村 信息员"),
    DemoUser("renhe_officer", "张信息员", Role.VILLAGE_OFFICER, "510521103224", "得胜镇 仁和村 信息员"),
)


@dataclass
class DemoResult:
    regions: ImportResult
    users_created: list[str]


def demo_load() -> DemoResult:
    """Load (or refresh) the demo county and create the demo users that do not exist yet."""
    regions = regions_import(actor=None, source=DEMO_REGIONS_FILE, filename=DEMO_REGIONS_FILE.name)
    created: list[str] = []
    for spec in DEMO_USERS:
        if User.objects.filter(username=spec.username).exists():
            continue
        user_create(
            actor=None,
            username=spec.username,
            password=DEMO_PASSWORD,
            role=spec.role,
            region_code=spec.region,
            full_name=spec.full_name,
        )
        created.append(spec.username)
    # 泸州 2024 standards for the demo prefecture (DB-02: set by the 设区的市), once
    if not PolicyVersion.objects.filter(region_id=DEMO_PREFECTURE).exists():
        chosen = preset("luzhou-2024")
        policy_version_create(
            actor=None,
            region_code=DEMO_PREFECTURE,
            effective_from=chosen.effective_from or date(2024, 7, 1),
            values={},
            preset=chosen.name,
            note=_("泸州市 2024 年城乡低保标准调整通知"),
        )
    if created or regions.created:
        with transaction.atomic():
            audit_record(
                event_code=events.DEMO_LOADED,
                region_code=DEMO_COUNTY,
                target_type="demo",
                target_id=DEMO_COUNTY,
                new={"regions_created": regions.created, "users_created": created},
            )
    return DemoResult(regions=regions, users_created=created)
