"""Roles, the region level each role works at, and what each role may do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    COUNTY_APPROVER = "county_approver", _("县级审批人员")
    TOWNSHIP_HEAD = "township_head", _("乡镇分管领导")
    TOWNSHIP_CLERK = "township_clerk", _("乡镇民政助理")
    VILLAGE_OFFICER = "village_officer", _("村级信息员")
    AUDITOR = "auditor", _("审计监督人员")


#: the region level a user of each role is attached to (their scope)
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    Role.COUNTY_ADMIN: ("county",),
    Role.COUNTY_APPROVER: ("county",),
    Role.TOWNSHIP_HEAD: ("township",),
    Role.TOWNSHIP_CLERK: ("township",),
    Role.VILLAGE_OFFICER: ("village",),
    Role.AUDITOR: ("county", "township"),
}


class Capability(models.TextChoices):
    VIEW_REGIONS = "view_regions", _("查看行政区划")
    IMPORT_REGIONS = "import_regions", _("导入行政区划")
    MANAGE_USERS = "manage_users", _("管理用户")
    VIEW_AUDIT = "view_audit", _("查看审计日志")
    VIEW_CALENDAR = "view_calendar", _("查看工作日历")
    EDIT_CALENDAR = "edit_calendar", _("维护节假日")
    VIEW_REGISTRY = "view_registry", _("查看家庭档案")
    EDIT_REGISTRY = "edit_registry", _("维护家庭档案")
    IMPORT_REGISTRY = "import_registry", _("批量导入家庭档案")
    EXPORT_REGISTRY = "export_registry", _("导出家庭档案")
    SEE_FULL_ID = "see_full_id", _("直接查看完整身份证号")
    REVEAL_ID = "reveal_id", _("点击查看完整身份证号(留痕)")
    VIEW_POLICY = "view_policy", _("查看政策参数")
    EDIT_POLICY = "edit_policy", _("维护政策参数")
    ASSESS = "assess", _("政策测算")
    VIEW_CASES = "view_cases", _("查看申请")
    SUBMIT_APPLICATION = "submit_application", _("代为提出申请")
    PROCESS_CASES = "process_cases", _("受理、调查、公示")
    REVIEW_CASES = "review_cases", _("乡镇初审")
    DECIDE_CASES = "decide_cases", _("审核确认")
    MANAGE_QUOTAS = "manage_quotas", _("设置总量控制名额")
    VIEW_PAYMENTS = "view_payments", _("查看发放名册")
    PREPARE_PAYMENTS = "prepare_payments", _("生成、核对发放名册，导入银行回盘")
    APPROVE_PAYMENTS = "approve_payments", _("审批发放名册")
    MANAGE_BANK_TEMPLATES = "manage_bank_templates", _("维护银行文件模板")
    DOWNLOAD_BANK_FILES = "download_bank_files", _("下载银行代发文件")
    VIEW_REPORTS = "view_reports", _("查看统计报表")
    SUBMIT_REPORTS = "submit_reports", _("上报统计报表")
    RETURN_REPORTS = "return_reports", _("退回统计报表")
    MANAGE_BUDGETS = "manage_budgets", _("填报年度资金预算")


ALL_ROLES = frozenset(Role.values)

CAPABILITIES: dict[str, frozenset[str]] = {
    Capability.VIEW_REGIONS: ALL_ROLES,
    Capability.IMPORT_REGIONS: frozenset({Role.COUNTY_ADMIN}),
    Capability.MANAGE_USERS: frozenset({Role.COUNTY_ADMIN}),
    Capability.VIEW_AUDIT: frozenset({Role.AUDITOR, Role.COUNTY_ADMIN}),
    Capability.VIEW_CALENDAR: ALL_ROLES,
    Capability.EDIT_CALENDAR: frozenset({Role.COUNTY_ADMIN}),
    Capability.VIEW_REGISTRY: ALL_ROLES,
    Capability.VIEW_POLICY: ALL_ROLES,
    Capability.EDIT_POLICY: frozenset({Role.COUNTY_ADMIN}),
    Capability.ASSESS: ALL_ROLES,
    Capability.VIEW_CASES: ALL_ROLES,
    Capability.SUBMIT_APPLICATION: frozenset({Role.VILLAGE_OFFICER, Role.TOWNSHIP_CLERK}),
    Capability.PROCESS_CASES: frozenset({Role.TOWNSHIP_CLERK}),
    Capability.REVIEW_CASES: frozenset({Role.TOWNSHIP_HEAD, Role.TOWNSHIP_CLERK}),
    # a township head decides only where the policy delegates confirmation (DB-03); the service checks it
    Capability.DECIDE_CASES: frozenset({Role.COUNTY_APPROVER, Role.TOWNSHIP_HEAD}),
    Capability.MANAGE_QUOTAS: frozenset({Role.COUNTY_ADMIN}),
    Capability.VIEW_PAYMENTS: frozenset(
        {Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD, Role.COUNTY_APPROVER, Role.COUNTY_ADMIN, Role.AUDITOR}
    ),
    # the township makes its rosters; the county administrator may make a county-wide one
    Capability.PREPARE_PAYMENTS: frozenset({Role.TOWNSHIP_CLERK, Role.COUNTY_ADMIN}),
    Capability.APPROVE_PAYMENTS: frozenset({Role.COUNTY_APPROVER}),
    Capability.MANAGE_BANK_TEMPLATES: frozenset({Role.COUNTY_ADMIN}),
    # A bank file holds every payee's full ID and account: only those who prepare or approve the payment take it.
    Capability.DOWNLOAD_BANK_FILES: frozenset({Role.TOWNSHIP_CLERK, Role.COUNTY_ADMIN, Role.COUNTY_APPROVER}),
    # every staff role reads the numbers of its own scope (a village officer its village)
    Capability.VIEW_REPORTS: ALL_ROLES,
    Capability.SUBMIT_REPORTS: frozenset({Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD}),
    Capability.RETURN_REPORTS: frozenset({Role.COUNTY_ADMIN, Role.COUNTY_APPROVER}),
    Capability.MANAGE_BUDGETS: frozenset({Role.COUNTY_ADMIN, Role.TOWNSHIP_CLERK}),
    Capability.EDIT_REGISTRY: frozenset({Role.VILLAGE_OFFICER, Role.TOWNSHIP_CLERK}),
    Capability.IMPORT_REGISTRY: frozenset({Role.TOWNSHIP_CLERK, Role.COUNTY_ADMIN}),
    Capability.EXPORT_REGISTRY: frozenset(
        {Role.TOWNSHIP_CLERK, Role.TOWNSHIP_HEAD, Role.COUNTY_APPROVER, Role.COUNTY_ADMIN, Role.AUDITOR}
    ),
    # Case workers see full numbers; others see them masked and may reveal one at a time (audited); auditors never.
    Capability.SEE_FULL_ID: frozenset({Role.TOWNSHIP_CLERK, Role.COUNTY_APPROVER}),
    Capability.REVEAL_ID: frozenset(
        {
            Role.TOWNSHIP_CLERK,
            Role.COUNTY_APPROVER,
            Role.VILLAGE_OFFICER,
            Role.TOWNSHIP_HEAD,
            Role.COUNTY_ADMIN,
        }
    ),
}


def role_can(role: str, capability: str) -> bool:
    return role in CAPABILITIES.get(capability, frozenset())
