"""一户一档： households, their members, incomes (DB-14/15), assets (DB-18) and documents."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from minzheng.core.indexes import search_index
from minzheng.core.scope import RegionScopedModel, RegionScopedQuerySet


class HukouType(models.TextChoices):
    URBAN = "urban", _("城镇")
    RURAL = "rural", _("农村")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", pgettext_lazy("relation to the head of household", "子")
    DAUGHTER = "daughter", pgettext_lazy("relation to the head of household", "女")
    DAUGHTER_IN_LAW = "daughter_in_law", _("儿媳")
    SON_IN_LAW = "son_in_law", _("女婿")
    PARENT = "parent", _("父母")
    PARENT_IN_LAW = "parent_in_law", _("公婆/岳父母")
    GRANDPARENT = "grandparent", _("祖父母/外祖父母")
    GRANDCHILD = "grandchild", _("孙子女/外孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class HukouStatus(models.TextChoices):
    LOCAL = "local", _("本地户籍")
    ELSEWHERE_IN_PROVINCE = "province", _("省内外县户籍")
    OUT_OF_PROVINCE = "out_of_province", _("外省户籍")
    RESIDENCE_PERMIT = "residence_permit", _("居住证")


class NonCoresidentReason(models.TextChoices):
    """DB-12 (and DB-11 in reverse): why a family member is not counted in the household."""

    CLERGY_AWAY = "clergy_away", _("宗教教职人员在宗教场所居住满三年")
    IN_PRISON = "in_prison", _("在监狱服刑")
    DRUG_REHAB = "drug_rehab", _("强制隔离戒毒")
    DECLARED_MISSING = "declared_missing", _("宣告失踪")
    CONSCRIPT = "conscript", _("服义务兵役(地方规定)")
    LIVES_APART = "lives_apart", _("不共同生活(如已分户的子女)")
    OTHER = "other", _("省级规定的其他情形")


class WorkCapacity(models.TextChoices):
    FULL = "full", _("有劳动能力")
    PARTIAL = "partial", _("部分丧失劳动能力")
    NONE = "none", _("无劳动能力")


class Schooling(models.TextChoices):
    NONE = "", _("不在学")
    PRESCHOOL = "preschool", _("学前教育")
    COMPULSORY = "compulsory", _("义务教育")
    HIGH_SCHOOL = "high_school", _("普通高中")
    VOCATIONAL = "vocational", _("中等职业教育")
    UNIVERSITY = "university", _("高等教育(本科及以下)")
    POSTGRADUATE = "postgraduate", _("研究生")


class DisabilityCategory(models.TextChoices):
    """CJ-04, GB/T 26341-2010."""

    NONE = "", _("无")
    VISUAL = "visual", _("视力")
    HEARING = "hearing", _("听力")
    SPEECH = "speech", _("言语")
    PHYSICAL = "physical", _("肢体")
    INTELLECTUAL = "intellectual", _("智力")
    PSYCHIATRIC = "psychiatric", _("精神")
    MULTIPLE = "multiple", _("多重")


class VeteranCategory(models.TextChoices):
    """YF-01 / YF-02 categories of 抚恤优待对象."""

    NONE = "", _("无")
    SERVING = "serving", _("现役军人")
    DISABLED = "disabled", _("残疾军人")
    MARTYR_SURVIVOR = "martyr_survivor", _("烈士遗属")
    DUTY_DEATH_SURVIVOR = "duty_death_survivor", _("因公牺牲军人遗属")
    ILLNESS_DEATH_SURVIVOR = "illness_death_survivor", _("病故军人遗属")
    MILITARY_FAMILY = "military_family", _("军属")
    COMBAT_VETERAN = "combat_veteran", _("参战退役军人")
    NUCLEAR_TEST_VETERAN = "nuclear_test_veteran", _("参试退役军人")
    ILL_RETURNED_VETERAN = "ill_returned_veteran", _("带病回乡退役军人")
    RURAL_VETERAN_60 = "rural_veteran_60", _("60周岁以上农村籍退役士兵")
    OLD_DEMOBILISED = "old_demobilised", _("1954年10月31日之前入伍的在乡复员军人")
    MARTYR_CHILD_60 = "martyr_child_60", _("60周岁以上烈士子女")
    VETERAN = "veteran", _("其他退役军人")


class IncomeCategory(models.TextChoices):
    """DB-14: the four categories of household income."""

    WAGE = "wage", _("工资性收入")
    BUSINESS = "business", _("经营净收入")
    PROPERTY = "property", _("财产净收入")
    TRANSFER = "transfer", _("转移净收入")


class IncomeExclusion(models.TextChoices):
    """DB-15 (and S2 Art. 4, 国发〔2015〕52号): income that is not counted."""

    NONE = "", _("计入")
    PREFERENTIAL_CARE = "preferential_care", _("优待抚恤金、补助金")
    FAMILY_PLANNING = "family_planning", _("计划生育奖励与扶助金")
    SCHOLARSHIP = "scholarship", _("奖学金")
    AWARD = "award", _("见义勇为等奖励性收入")
    SOCIAL_ASSISTANCE = "social_assistance", _("政府发放的社会救助款物")
    CENTRAL_BASIC_PENSION = "central_basic_pension", _("中央确定的城乡居民基础养老金")
    DISABILITY_SUBSIDIES = "disability_subsidies", _("残疾人两项补贴")
    #: TK-05: 特困's means test leaves these out too (低保 counts them unless a DB-15 reason applies)
    ELDERLY_ALLOWANCE = "elderly_allowance", _("高龄津贴")
    SOCIAL_INSURANCE = "social_insurance", _("基本医疗保险等其他社会保险待遇")
    OTHER = "other", _("设区的市级以上政府规定的其他收入")


class AssetCategory(models.TextChoices):
    """DB-18: movable and immovable property."""

    DEPOSIT = "deposit", _("存款")
    SECURITIES = "securities", _("有价证券、基金")
    INSURANCE = "insurance", _("商业保险")
    CLAIM = "claim", _("债权")
    ONLINE_FINANCE = "online_finance", _("互联网金融资产")
    VEHICLE = "vehicle", _("机动车辆")
    HOUSE = "house", _("房屋")
    FOREST = "forest", _("林木等定着物")
    OTHER = "other", _("其他财产")


class DocumentType(models.TextChoices):
    APPLICATION = "application", _("申请书")
    STATEMENT = "statement", _("收入财产声明")
    AUTHORISATION = "authorisation", _("核对授权书")
    ID_CARD = "id_card", _("身份证或户口簿")
    DISABILITY_CERT = "disability_cert", _("残疾人证")
    MEDICAL = "medical", _("病历或诊断证明")
    PHOTO = "photo", _("照片")
    OTHER = "other", _("其他材料")


class Household(RegionScopedModel):
    region_scope_path: ClassVar[str] = "region"

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属村(社区)"), on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField(_("住址"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    hukou_type = models.CharField(_("户籍类型"), max_length=10, choices=HukouType.choices)
    head = models.OneToOneField(
        "Member", verbose_name=_("户主"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    account_holder = models.CharField(_("账户户名"), max_length=50, blank=True)
    account_number = models.CharField(_("银行账号(一卡通)"), max_length=32, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("家庭")
        verbose_name_plural = _("家庭")
        ordering = ["region_id", "id"]
        indexes = [
            # reports cut every count by 户籍 through a join on the household: the pair is read from this index
            # alone (330,000 households: about a tenth of the table's pages)
            models.Index(fields=["id", "hukou_type"], name="household_hukou"),
            search_index("phone", name="household_phone"),
        ]

    def __str__(self) -> str:
        head = self.head.name if self.head_id and self.head else "—"
        return _("%(head)s 户") % {"head": head}


class Member(RegionScopedModel):
    """A person on file. The region is copied from the household so a 1,000,000-person search needs no join."""

    region_scope_path: ClassVar[str] = "region"

    household = models.ForeignKey(
        Household,
        verbose_name=_("家庭"),
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,  # member_household below, which carries what the reports read
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    # The searched columns' indexes are in Meta.indexes, one each (core.indexes.search_index).
    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(_("姓名拼音首字母"), max_length=20)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=120)
    id_number = models.CharField(_("公民身份号码"), max_length=18)
    id_number_original = models.CharField(_("原身份证号(15位)"), max_length=15, blank=True)
    id_last4 = models.CharField(max_length=4)
    id_last6 = models.CharField(max_length=6)
    birth_date = models.DateField(_("出生日期"))
    sex = models.CharField(_("性别"), max_length=6, choices=[("male", _("男")), ("female", _("女"))])
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    hukou_status = models.CharField(
        _("户籍状况"), max_length=20, choices=HukouStatus.choices, default=HukouStatus.LOCAL
    )
    is_coresident = models.BooleanField(_("共同生活家庭成员"), default=True)
    non_coresident_reason = models.CharField(
        _("不计入原因"), max_length=20, choices=NonCoresidentReason.choices, blank=True
    )
    away_for_work = models.BooleanField(_("外出务工"), default=False)
    work_capacity = models.CharField(
        _("劳动能力"), max_length=10, choices=WorkCapacity.choices, default=WorkCapacity.FULL
    )
    schooling = models.CharField(_("在学情况"), max_length=20, choices=Schooling.choices, blank=True)
    serious_illness = models.CharField(_("重特大疾病"), max_length=100, blank=True)
    disability_category = models.CharField(
        _("残疾类别"), max_length=20, choices=DisabilityCategory.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(_("残疾等级"), null=True, blank=True)
    disability_certificate = models.CharField(_("残疾人证号"), max_length=30, blank=True)
    # TK-12: the six self-care items; None = not assessed.
    can_eat = models.BooleanField(_("自主吃饭"), null=True, blank=True)
    can_dress = models.BooleanField(_("自主穿衣"), null=True, blank=True)
    can_transfer = models.BooleanField(_("自主上下床"), null=True, blank=True)
    can_toilet = models.BooleanField(_("自主如厕"), null=True, blank=True)
    can_walk_indoors = models.BooleanField(_("室内自主行走"), null=True, blank=True)
    can_bathe = models.BooleanField(_("自主洗澡"), null=True, blank=True)
    veteran_category = models.CharField(
        _("优抚对象类别"), max_length=30, choices=VeteranCategory.choices, blank=True
    )
    #: receives 孤儿基本生活保障: not registered as 特困 under 16 (TK-03), no 生活补贴 (CJ-02)
    is_orphan = models.BooleanField(_("孤儿"), default=False)
    date_of_death = models.DateField(_("死亡日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegionScopedQuerySet.as_manager()

    SELF_CARE_FIELDS: ClassVar[tuple[str, ...]] = (
        "can_eat",
        "can_dress",
        "can_transfer",
        "can_toilet",
        "can_walk_indoors",
        "can_bathe",
    )

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household_id", "id"]
        indexes = [
            # A household's members; on PostgreSQL it also carries the columns the reports' member classes test
            # (elderly, minors, disabled, ill in 低保 households), so those counts never read the member table:
            # ~20,000 households' members were ~13,000 page reads per class at 1,000,000 people (issue 8).
            models.Index(
                fields=["household"],
                include=[
                    "id",
                    "region",
                    "date_of_death",
                    "birth_date",
                    "disability_category",
                    "serious_illness",
                ],
                name="member_household",
            ),
            # the dashboard's registered population (coverage ratio): counted from this index alone
            models.Index(
                fields=["region"], condition=models.Q(date_of_death__isnull=True), name="member_living"
            ),
            search_index("name", name="member_name"),
            search_index("name_initials", name="member_name_initials"),
            search_index("name_pinyin", name="member_name_pinyin"),
            search_index("phone", name="member_phone"),
            # the last 4 and 6 characters of the ID are only ever compared whole
            models.Index(fields=["id_last4"], name="member_id_last4"),
            models.Index(fields=["id_last6"], name="member_id_last6"),
        ]
        constraints = [
            # One person, one record (issue 3). A constraint rather than unique=True, which on PostgreSQL would add
            # a second, pattern-matching index nothing reads (IDs are compared whole).
            models.UniqueConstraint(fields=["id_number"], name="member_id_number_unique"),
            models.CheckConstraint(
                condition=models.Q(disability_grade__isnull=True)
                | models.Q(disability_grade__gte=1, disability_grade__lte=4),
                name="member_disability_grade_1_to_4",
            ),
            models.CheckConstraint(
                condition=models.Q(is_coresident=True) | ~models.Q(non_coresident_reason=""),
                name="member_non_coresident_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_deceased(self) -> bool:
        return self.date_of_death is not None

    @property
    def self_care_not_achieved(self) -> int | None:
        values = [getattr(self, f) for f in self.SELF_CARE_FIELDS]
        if any(v is None for v in values):
            return None
        return sum(1 for v in values if not v)


class IncomeItem(RegionScopedModel):
    region_scope_path: ClassVar[str] = "household__region"

    household = models.ForeignKey(
        Household, verbose_name=_("家庭"), on_delete=models.CASCADE, related_name="incomes"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("成员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incomes",
    )
    category = models.CharField(_("收入类别"), max_length=10, choices=IncomeCategory.choices)
    monthly_amount = models.DecimalField(_("月均金额(元)"), max_digits=14, decimal_places=2)
    period_start = models.DateField(_("起始月份"), null=True, blank=True)
    period_end = models.DateField(_("截止月份"), null=True, blank=True)
    source = models.CharField(_("收入来源"), max_length=100)
    exclusion = models.CharField(_("不计入原因"), max_length=30, choices=IncomeExclusion.choices, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("收入")
        verbose_name_plural = _("收入")
        ordering = ["household_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.monthly_amount}"

    @property
    def counted(self) -> bool:
        return not self.exclusion


class Asset(RegionScopedModel):
    region_scope_path: ClassVar[str] = "household__region"

    household = models.ForeignKey(
        Household, verbose_name=_("家庭"), on_delete=models.CASCADE, related_name="assets"
    )
    category = models.CharField(_("财产类别"), max_length=20, choices=AssetCategory.choices)
    description = models.CharField(_("说明"), max_length=200)
    value = models.DecimalField(_("价值(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    exempt = models.BooleanField(_("生产生活必需(可豁免)"), default=False)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("财产")
        verbose_name_plural = _("财产")
        ordering = ["household_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.description}"


class Document(RegionScopedModel):
    """A scanned form or photo, stored outside the static root under a random name."""

    region_scope_path: ClassVar[str] = "household__region"

    household = models.ForeignKey(
        Household, verbose_name=_("家庭"), on_delete=models.PROTECT, related_name="documents"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("成员"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    doc_type = models.CharField(_("材料类型"), max_length=20, choices=DocumentType.choices)
    original_name = models.CharField(_("原文件名"), max_length=200)
    stored_name = models.CharField(max_length=80, unique=True)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("档案材料")
        verbose_name_plural = _("档案材料")
        ordering = ["household_id", "-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
