"""优抚 (军人抚恤优待条例 2024): what the county pays a person each month, the funeral grant when a recipient dies,
the one-off death payments, and the 义务兵家庭优待金 a household receives while its conscript serves.

YF-01 (who is a 抚恤优待对象, Art. 2), YF-02 (定期生活补助 groups, Art. 62 and Art. 61), YF-03 (定期抚恤金, Art. 19),
YF-04 (funeral grants: Art. 22, Art. 32, Art. 62), YF-05 (残疾抚恤金, Art. 27 and Art. 30), YF-06 (护理费, Art. 34),
YF-07 (烈士褒扬金 and 一次性抚恤金, Art. 15, with the Art. 16 increases), YF-08 (义务兵家庭优待金, Art. 42), YF-09
(never counted in a means test, Art. 4), YF-10 (annual confirmation Art. 8; suspension and cancellation Art. 59),
YF-11 (payment frequency [L/P]), YF-12 (the 退役军人事务部门 leads, Art. 5: a fact for the permissions layer).

The 条例 fixes who qualifies and the formulas; the money standards themselves are set by the State Council
departments (national) or by the locality. Every default amount of ``Policy`` is ILLUSTRATIVE — a plausible
order of magnitude, not the standard in force — and must be set per region in the policy app before real
use ([L]).

Modules: ``policy`` (Policy, Request, ConscriptFamilyRequest, the choice tables), ``assess`` (assess_veterans:
YF-01, YF-10, then the routing), ``monthly`` (YF-02, YF-03, YF-05, YF-06), ``death`` (YF-04, YF-07),
``conscript`` (YF-08, YF-11) and ``notes`` (what every decision shares: its lines, rounding, the YF-09 line).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from minzheng.rules.common import Program
from minzheng.rules.veterans.assess import assess_veterans
from minzheng.rules.veterans.conscript import assess_conscript_family
from minzheng.rules.veterans.monthly import care_share
from minzheng.rules.veterans.policy import ConscriptFamilyRequest, Policy, Request

__all__ = [
    "PROGRAMS",
    "ConscriptFamilyRequest",
    "Policy",
    "Request",
    "assess_conscript_family",
    "assess_veterans",
    "care_share",
]

PROGRAMS: tuple[Program, ...] = (
    Program(
        code="veterans",
        label=gettext_lazy("优抚(军人抚恤优待)"),
        policy_key="veterans",
        policy=Policy,
        request=Request,
        assess=assess_veterans,
        per_person=True,
        may_name_the_deceased=True,
    ),
    Program(
        code="conscript_family",
        label=gettext_lazy("义务兵家庭优待金"),
        policy_key="veterans",
        policy=Policy,
        request=ConscriptFamilyRequest,
        assess=assess_conscript_family,
    ),
)
