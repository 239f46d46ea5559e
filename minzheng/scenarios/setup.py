"""What every scratch database starts with: the demo county's regions, 泸州's 2024 standards and the scenario's
actors (a township clerk, two visitors, a township reviewer, a county approver). Built once per migration state
into a template file that each run copies (see scratch.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from minzheng.accounts.roles import Role

COUNTY = "510521"
PREFECTURE = "5105"
TOWNSHIP = "510521103"  # 得胜镇
VILLAGE = "510521103222"  # 白象村


@dataclass(frozen=True)
class Actor:
    username: str
    full_name: str
    role: str
    region: str
    does: str


ACTORS: tuple[Actor, ...] = (
    Actor(
        "scenario_clerk", "陈助理", Role.TOWNSHIP_CLERK, TOWNSHIP, "受理、核对、公示、发放名册、登记家庭变化"
    ),
    Actor("scenario_visitor", "林调查", Role.TOWNSHIP_CLERK, TOWNSHIP, "入户调查(第一调查人)、定期复核"),
    Actor(
        "scenario_officer", "李信息员", Role.VILLAGE_OFFICER, VILLAGE, "代为提出申请、入户调查(第二调查人)"
    ),
    Actor("scenario_reviewer", "刘镇长", Role.TOWNSHIP_HEAD, TOWNSHIP, "乡镇初审"),
    Actor("scenario_deputy", "赵副镇长", Role.TOWNSHIP_HEAD, TOWNSHIP, "乡镇审核确认(委托乡镇审批时，LS-03)"),
    Actor(
        "scenario_approver",
        "王审批",
        Role.COUNTY_APPROVER,
        COUNTY,
        "审核确认、审批名册、复核调整、标准调整、骗保认定",
    ),
)


def prepare() -> None:
    """Fill a freshly migrated database with what every scenario starts from."""
    from minzheng.accounts.services import user_create
    from minzheng.demo.services import DEMO_REGIONS_FILE
    from minzheng.policy.presets import preset
    from minzheng.policy.services import policy_version_create
    from minzheng.regions.services import regions_import

    regions_import(actor=None, source=DEMO_REGIONS_FILE, filename=DEMO_REGIONS_FILE.name)
    for actor in ACTORS:
        user_create(
            actor=None,
            username=actor.username,
            password="Scenario-only-password-2026",  # noqa: S106 - a scratch database, thrown away after the run
            role=actor.role,
            region_code=actor.region,
            full_name=actor.full_name,
        )
    chosen = preset("luzhou-2024")
    policy_version_create(
        actor=None,
        region_code=PREFECTURE,
        effective_from=chosen.effective_from or date(2024, 7, 1),
        values={},
        preset=chosen.name,
        note="泸州市 2024 年城乡低保标准调整通知",
    )
    policy_version_create(
        actor=None,
        region_code=COUNTY,
        effective_from=date(2020, 1, 1),
        values={"procedure.complaint_phone": "0830-8188123"},
        note="泸县民政局监督举报电话",
    )
