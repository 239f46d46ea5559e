from typing import Any

from minzheng.accounts.roles import Capability
from minzheng.core.testing.matrix import RouteCase, Target, register
from minzheng.core.testing.personas import VILLAGE_A1, VILLAGE_B1
from minzheng.registry.models import Relation


def _household(region: str, key: str = "pk") -> Any:
    def build(personas: dict[str, Any]) -> dict[str, Any]:
        from minzheng.registry.tests.factories import make_household

        clerk = personas["township_a_clerk" if region.startswith("510521103") else "township_b_clerk"]
        return {key: make_household(clerk, region).pk}

    return build


def _member(region: str, relation: str = Relation.SPOUSE) -> Any:
    def build(personas: dict[str, Any]) -> dict[str, Any]:
        from minzheng.registry.tests.factories import make_household

        clerk = personas["township_a_clerk" if region.startswith("510521103") else "township_b_clerk"]
        return {"pk": make_household(clerk, region).members.get(relation=relation).pk}

    return build


def _related(region: str, kind: str) -> Any:
    def build(personas: dict[str, Any]) -> dict[str, Any]:
        from decimal import Decimal

        from minzheng.registry import services
        from minzheng.registry.tests.factories import make_household

        clerk = personas["township_a_clerk" if region.startswith("510521103") else "township_b_clerk"]
        household = make_household(clerk, region)
        if kind == "income":
            return {
                "pk": services.income_add(
                    actor=clerk,
                    household=household,
                    category="wage",
                    monthly_amount=Decimal("900"),
                    source="务工",
                ).pk
            }
        if kind == "asset":
            return {
                "pk": services.asset_add(
                    actor=clerk, household=household, category="house", description="自住房"
                ).pk
            }
        import io

        from minzheng.registry.documents import document_add

        doc = document_add(
            actor=clerk,
            household=household,
            upload=io.BytesIO(b"%PDF-1.4 test"),
            original_name="a.pdf",
            doc_type="application",
        )
        return {"pk": doc.pk}

    return build


def _targets(build: Any) -> tuple[Target, ...]:
    return (
        Target("in village A1", VILLAGE_A1, build(VILLAGE_A1)),
        Target("in village B1", VILLAGE_B1, build(VILLAGE_B1)),
    )


HOUSEHOLD = _targets(_household)
MEMBER = _targets(_member)
VIEW, EDIT = Capability.VIEW_REGISTRY, Capability.EDIT_REGISTRY

register(
    RouteCase("registry:index", VIEW),
    RouteCase("registry:household_create", EDIT),
    RouteCase("registry:import", Capability.IMPORT_REGISTRY),
    RouteCase("registry:import_confirm", Capability.IMPORT_REGISTRY, method="POST", ok_status=(302,)),
    RouteCase("registry:import_errors", Capability.IMPORT_REGISTRY, ok_status=(302,)),
    RouteCase("registry:import_template", Capability.IMPORT_REGISTRY),
    RouteCase("registry:export", Capability.EXPORT_REGISTRY),
    RouteCase("registry:household_detail", VIEW, targets=HOUSEHOLD),
    RouteCase("registry:household_edit", EDIT, targets=HOUSEHOLD),
    RouteCase("registry:member_add", EDIT, targets=HOUSEHOLD),
    RouteCase("registry:household_head", EDIT, targets=HOUSEHOLD),
    RouteCase("registry:household_split", EDIT, targets=HOUSEHOLD),
    RouteCase("registry:household_merge", EDIT, targets=HOUSEHOLD),
    RouteCase("registry:income_add", EDIT, targets=HOUSEHOLD),
    RouteCase("registry:asset_add", EDIT, targets=HOUSEHOLD),
    RouteCase("registry:document_add", EDIT, targets=HOUSEHOLD),
    RouteCase("registry:member_edit", EDIT, targets=MEMBER),
    RouteCase("registry:member_move", EDIT, targets=MEMBER),
    RouteCase("registry:member_death", EDIT, targets=MEMBER),
    RouteCase("registry:member_remove", EDIT, targets=MEMBER),
    RouteCase("registry:member_reveal_id", Capability.REVEAL_ID, method="POST", targets=MEMBER),
    RouteCase(
        "registry:income_delete",
        EDIT,
        method="POST",
        targets=_targets(lambda r: _related(r, "income")),
        ok_status=(302,),
    ),
    RouteCase(
        "registry:asset_delete",
        EDIT,
        method="POST",
        targets=_targets(lambda r: _related(r, "asset")),
        ok_status=(302,),
    ),
    RouteCase("registry:document_download", VIEW, targets=_targets(lambda r: _related(r, "document"))),
)
