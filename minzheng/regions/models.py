from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from minzheng.core.scope import RegionScopedModel, RegionScopedQuerySet


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡级")
    VILLAGE = "village", _("村级")
    GROUP = "group", _("村民小组")


#: significant digits of the code at each level (QH-02: PP CC DD TTT VVV; a group adds 3 of our own)
LEVEL_DIGITS: dict[str, int] = {
    Level.PROVINCE: 2,
    Level.PREFECTURE: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
    Level.GROUP: 15,
}
LEVEL_ORDER: list[str] = list(LEVEL_DIGITS)
DIGITS_LEVEL: dict[int, str] = {digits: level for level, digits in LEVEL_DIGITS.items()}


class UrbanRuralClass(models.TextChoices):
    """城乡分类代码 of the statistics bureau (QH-02)."""

    MAIN_URBAN = "111", _("主城区")
    URBAN_RURAL_FRINGE = "112", _("城乡结合区")
    TOWN_CENTRE = "121", _("镇中心区")
    TOWN_FRINGE = "122", _("镇乡结合区")
    SPECIAL = "123", _("特殊区域")
    TOWNSHIP_CENTRE = "210", _("乡中心区")
    VILLAGE = "220", _("村庄")


class Region(RegionScopedModel):
    """One unit of the division tree, keyed by its significant code (a prefix of the 12-digit code).

    Keying by code keeps references stable across re-imports and makes scope a plain prefix match.
    """

    region_scope_path: ClassVar[str] = ""

    code = models.CharField(_("区划代码"), max_length=15, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    urban_rural_class = models.CharField(
        _("城乡分类代码"), max_length=3, choices=UrbanRuralClass.choices, blank=True, default=""
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def code12(self) -> str:
        """The 12-digit statistical code (groups keep their 15 digits)."""
        return self.code.ljust(12, "0")

    @property
    def is_urban(self) -> bool | None:
        return None if not self.urban_rural_class else self.urban_rural_class.startswith("1")

    def ancestor_codes(self) -> list[str]:
        return [self.code[:n] for n in LEVEL_DIGITS.values() if n < len(self.code)]
