"""Synthetic households for the demo county: deterministic, realistic enough to demo and to benchmark on.

The shape follows a rural Sichuan county: many people over 60, couples whose grown children work in Guangdong or
Chengdu, grandparents raising grandchildren, elders living alone. Nobody here is a real person: names are drawn from
common characters, and ID numbers carry the demo county's code, a valid birth date, an order code whose parity
matches the sex, and a correct check character; they are unique within a run and against the database.

One seed gives one county: `generate_households(households=N, seed=S)` always yields the same N households, and
its first K are the first K of any longer run with that seed. That is what makes `demo_households_load` idempotent
and lets it top up a smaller demo to a bigger one.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from random import Random
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.audit.services import EventSpec, audit_record_many
from minzheng.core.errors import ValidationFailed
from minzheng.core.money import round_money
from minzheng.regions.models import Level, Region
from minzheng.registry.idnumber import age_on, check_character
from minzheng.registry.models import (
    DisabilityCategory,
    Household,
    HukouType,
    IncomeCategory,
    IncomeExclusion,
    IncomeItem,
    Member,
    Relation,
    Schooling,
    VeteranCategory,
    WorkCapacity,
)
from minzheng.registry.pinyin import name_keys
from minzheng.registry.validation import luhn_check_digit

from . import events

DEMO_COUNTY = "510521"
#: Marks the households this module made, so a second run can count them. It is data, stored as written, and
#: queried by value; translating it would break the count, so it is deliberately not wrapped in gettext.
DEMO_NOTE = "演示数据（自动生成）"
#: Ages are counted from this day (or from today, if earlier), so a seed gives the same people on any later day.
REFERENCE_DATE = date(2026, 1, 1)
#: The central part of the 城乡居民基础养老金 (DOMAIN.md: central_basic_pension_monthly), not counted (DB-15).
CENTRAL_BASIC_PENSION = Decimal("143.00")

MALE, FEMALE = "male", "female"

# (surname, weight ‰): national frequencies leaning Sichuan (曾, 罗, 邓, 谢, 唐 are commoner there), plus a few
# surnames whose reading differs from the ordinary word (单 shan, 曾 zeng, 仇 qiu, 解 xie) and one compound (欧阳).
SURNAMES: tuple[tuple[str, float], ...] = (
    ("李", 79), ("王", 70), ("张", 68), ("刘", 55), ("陈", 48), ("杨", 32), ("赵", 22), ("黄", 22), ("周", 21),
    ("吴", 20), ("徐", 15), ("孙", 12), ("胡", 14), ("朱", 12), ("高", 11), ("林", 9), ("何", 15), ("郭", 10),
    ("马", 9), ("罗", 16), ("梁", 8), ("宋", 8), ("郑", 8), ("谢", 11), ("韩", 6), ("唐", 11), ("冯", 8),
    ("于", 4), ("董", 6), ("萧", 4), ("程", 6), ("曹", 6), ("袁", 8), ("邓", 12), ("许", 5), ("傅", 5),
    ("沈", 4), ("曾", 12), ("彭", 9), ("吕", 4), ("苏", 5), ("卢", 5), ("蒋", 7), ("蔡", 5), ("贾", 3),
    ("丁", 4), ("魏", 4), ("薛", 3), ("叶", 4), ("余", 8), ("潘", 4), ("杜", 6), ("戴", 4), ("夏", 4),
    ("钟", 5), ("汪", 3), ("田", 5), ("任", 6), ("姜", 3), ("范", 4), ("方", 4), ("石", 5), ("姚", 4),
    ("谭", 5), ("廖", 6), ("邹", 4), ("熊", 5), ("金", 2), ("陆", 2), ("郝", 2), ("孔", 2), ("白", 3),
    ("崔", 2), ("康", 3), ("毛", 3), ("邱", 4), ("秦", 3), ("江", 4), ("史", 2), ("顾", 2), ("侯", 3),
    ("邵", 2), ("孟", 2), ("龙", 3), ("万", 3), ("段", 3), ("雷", 4), ("钱", 2), ("汤", 3), ("尹", 3),
    ("黎", 3), ("易", 3), ("常", 2), ("武", 2), ("乔", 2), ("贺", 3), ("赖", 3), ("龚", 3), ("文", 3),
    ("先", 2), ("单", 1.5), ("仇", 1), ("解", 0.5), ("欧阳", 0.5),
)  # fmt: skip

# Common characters of given names by sex and by the era of birth: before 1960, 1960-84, 1985-2004, from 2005.
GIVEN_CHARACTERS: dict[str, tuple[str, str, str, str]] = {
    MALE: (
        "德明华国建文志永兴福贵富发荣清洪学成云正光全忠树林友开海顺昌银金长有仁义",
        "军勇强伟平刚斌波涛明华林俊杰兵超鹏辉亮东川江红洪宏建国志春勇剑峰",
        "浩宇杰鑫磊涛鹏俊飞超豪帅龙博伟晨阳翔毅欢林川凯强伦",
        "子轩浩宇梓睿泽锦俊晨奕铭一航博文豪然煜逸皓宸宇杰",
    ),
    FEMALE: (
        "秀英兰芳珍玉桂凤琼淑素翠碧群莲菊琴芬美华惠春淑清蓉",
        "丽敏静燕红霞梅艳琳娟蓉萍莉英芳琴玲丹洁慧春秀群利",
        "婷雪倩琪莹佳颖璐欣怡婧莎露瑶梦蕾思雨丹娜敏静",
        "梓涵欣怡雨萱诗可馨思语若佳悦依彤琪紫妍一诺晴",
    ),
}
SINGLE_CHARACTER_SHARE = (0.3, 0.25, 0.15, 0.1)

WORK_DESTINATIONS = ("广东", "浙江", "福建", "江苏", "成都", "重庆", "泸州", "上海")
SERIOUS_ILLNESSES = (
    "恶性肿瘤",
    "尿毒症（维持性透析）",
    "白血病",
    "重性精神障碍",
    "慢性心力衰竭",
    "脑卒中后遗症",
    "耐多药肺结核",
)
# CJ-04 categories with their share among disabled people, and the digit the 第二代残疾人证 number gives each
# (the certificate number is the 18-character ID plus one digit for the category and one for the grade).
DISABILITIES: tuple[tuple[str, float, int], ...] = (
    (DisabilityCategory.PHYSICAL, 40, 4),
    (DisabilityCategory.HEARING, 15, 2),
    (DisabilityCategory.VISUAL, 13, 1),
    (DisabilityCategory.INTELLECTUAL, 11, 5),
    (DisabilityCategory.PSYCHIATRIC, 10, 6),
    (DisabilityCategory.MULTIPLE, 8, 7),
    (DisabilityCategory.SPEECH, 3, 3),
)
DISABILITY_GRADES = ((1, 10), (2, 20), (3, 30), (4, 40))
BANKS = (
    ("四川泸县农村商业银行", 55),
    ("中国邮政储蓄银行", 25),
    ("中国农业银行", 12),
    ("中国建设银行", 5),
    ("中国工商银行", 3),
)
MOBILE_PREFIXES = tuple(
    f"1{n}"
    for n in (
        30,
        31,
        32,
        33,
        35,
        36,
        37,
        38,
        39,
        50,
        51,
        52,
        57,
        58,
        59,
        77,
        80,
        81,
        82,
        83,
        87,
        88,
        89,
        98,
        99,
    )
)
STREETS = ("龙城大道", "玉蟾大道", "建设路", "兴隆街", "人民路", "滨河路", "新华街", "龙桥路")
FARMING = ("种养殖（水稻、玉米、生猪）", "种植（水稻、高粱）", "种植（龙眼、柑橘）", "养殖（生猪、家禽）")

# Kinds of household with their share (per 100), tuned so a county averages about 2.5 people a household and
# about a quarter of the people are 60 or older, like the registered population of rural Sichuan.
ELDER_COUPLE, ELDER_ALONE, NUCLEAR, THREE_GENERATIONS, SKIPPED_GENERATION, WITH_PARENTS, SINGLE = range(7)
KINDS = (
    (ELDER_COUPLE, 16),
    (ELDER_ALONE, 14),
    (NUCLEAR, 24),
    (THREE_GENERATIONS, 9),
    (SKIPPED_GENERATION, 7),
    (WITH_PARENTS, 5),
    (SINGLE, 25),
)


@dataclass
class DemoMember:
    """One generated person, with the values the registry stores."""

    name: str
    sex: str
    birth_date: date
    relation: str
    id_number: str = ""
    phone: str = ""
    away_for_work: bool = False
    work_capacity: str = WorkCapacity.FULL
    schooling: str = ""
    serious_illness: str = ""
    disability_category: str = ""
    disability_grade: int | None = None
    disability_certificate: str = ""
    veteran_category: str = ""
    date_of_death: date | None = None
    #: TK-12's six items in Member.SELF_CARE_FIELDS order, when assessed
    self_care: tuple[bool, ...] | None = None


@dataclass
class DemoIncome:
    category: str
    monthly_amount: Decimal
    source: str
    #: index into the household's members, or None for income of the whole household (farming, land rent)
    member_index: int | None = None
    exclusion: str = ""


@dataclass
class DemoHousehold:
    """One generated household; members[0] is the head, always living."""

    number: int
    region_code: str
    address: str
    hukou_type: str
    phone: str
    bank_name: str
    account_holder: str
    account_number: str
    members: list[DemoMember]
    incomes: list[DemoIncome] = field(default_factory=list)
    period_start: date | None = None
    period_end: date | None = None


@dataclass(frozen=True)
class _Village:
    code: str
    place: str  # township + village, as written in an address
    community: bool


@dataclass
class _Draft:
    relation: str
    sex: str
    age: int
    surname: str
    deceased: bool = False
    generation: int = 0  # 0 = the head's; -1 their parents; 1 children; 2 grandchildren


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


class _IdNumbers:
    """Order codes per birth day and sex: odd codes for men, even for women (ID-01), 499 of each a day."""

    SLOTS = 499

    def __init__(self, county_code: str) -> None:
        self.county_code = county_code
        self.used: dict[tuple[int, int], int] = {}

    def issue(self, birth: date, sex: str) -> tuple[str, date]:
        """A fresh number for someone born on `birth` (or a few days earlier if that day's codes are used up)."""
        parity = 1 if sex == MALE else 0
        for ordinal in range(birth.toordinal(), birth.toordinal() - 366, -1):
            count = self.used.get((ordinal, parity), 0)
            if count < self.SLOTS:
                self.used[(ordinal, parity)] = count + 1
                # Each day starts at a different code, so numbers don't all end in 001, 003 …
                slot = (ordinal * 37 + count) % self.SLOTS
                order = 2 * slot + 1 if parity else 2 * slot + 2
                day = date.fromordinal(ordinal)
                first17 = f"{self.county_code}{day:%Y%m%d}{order:03d}"
                return first17 + check_character(first17), day
        raise RuntimeError(f"no free ID order code near {birth}")  # 180,000 people born in one year and sex


class HouseholdGenerator(Iterator[DemoHousehold]):
    """Yields `households` households for the villages of one county, the same ones for the same seed."""

    def __init__(
        self,
        *,
        county_code: str,
        households: int,
        seed: int,
        villages: Sequence[_Village] | None = None,
        today: date | None = None,
    ) -> None:
        self.county_code = county_code
        self.total = households
        self.rng = Random(seed)  # noqa: S311 - made-up people, not secrets: the point is repeatability
        today = today or timezone.localdate()
        self.reference = min(REFERENCE_DATE, today)
        self.villages = list(villages) if villages is not None else _villages_of(county_code)
        if not self.villages:
            raise ValidationFailed(
                _("%(code)s 下没有村级区划，请先运行 minzheng demo 导入演示县的行政区划。")
                % {"code": county_code}
            )
        # Villages differ in size; the draw is part of the seed, so it is the same every run.
        self._village_cum = _cumulative([self.rng.uniform(0.5, 1.6) for _v in self.villages])
        self._surnames = [s for s, _w in SURNAMES]
        self._surname_cum = _cumulative([w for _s, w in SURNAMES])
        self._kind_cum = _cumulative([w for _k, w in KINDS])
        self._disability_cum = _cumulative([w for _c, w, _d in DISABILITIES])
        self._grade_cum = _cumulative([w for _g, w in DISABILITY_GRADES])
        self._bank_cum = _cumulative([w for _b, w in BANKS])
        self.ids = _IdNumbers(county_code)
        self.number = 0
        first_of_month = self.reference.replace(day=1)
        self.period_end = (first_of_month - timedelta(days=1)).replace(day=1)
        self.period_start = first_of_month.replace(year=first_of_month.year - 1)

    def __next__(self) -> DemoHousehold:
        if self.number >= self.total:
            raise StopIteration
        household = self._household(self.number)
        self.number += 1
        return household

    # -- small draws -------------------------------------------------------------------------------------------

    def _pick(self, cum: list[float]) -> int:
        return bisect.bisect_right(cum, self.rng.random() * cum[-1])

    def _tri(self, low: int, high: int, mode: int) -> int:
        return int(self.rng.triangular(low, high + 1, mode))

    def _yuan(self, low: int, high: int, step: int = 10) -> Decimal:
        return round_money(self.rng.randrange(low // step, high // step + 1) * step)

    def _mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _account(self) -> str:
        payload = "62" + "".join(str(self.rng.randrange(10)) for _i in range(16))
        return payload + luhn_check_digit(payload)

    def _birth(self, age: int) -> date:
        return self.reference - timedelta(days=int((age + self.rng.random()) * 365.2425))

    def _given_name(self, sex: str, year: int, generation_char: str = "") -> str:
        era = 0 if year < 1960 else 1 if year < 1985 else 2 if year < 2005 else 3
        chars = GIVEN_CHARACTERS[sex][era]
        if not generation_char and self.rng.random() < SINGLE_CHARACTER_SHARE[era]:
            return self.rng.choice(chars)
        first = generation_char or self.rng.choice(chars)
        second = self.rng.choice(chars)
        while second == first:
            second = self.rng.choice(chars)
        return first + second

    # -- composition ---------------------------------------------------------------------------------------------

    def _drafts(self) -> list[_Draft]:
        """Who lives in the household: relation to the head, sex, age; members[0] is the head."""
        rng, tri = self.rng, self._tri
        kind = KINDS[self._pick(self._kind_cum)][0]
        surname = self._surnames[self._pick(self._surname_cum)]

        def other_surname() -> str:
            return self._surnames[self._pick(self._surname_cum)]

        def couple(age: int, male_head: float = 0.9, married: float = 1.0) -> list[_Draft]:
            sex = MALE if rng.random() < male_head else FEMALE
            head = _Draft(Relation.HEAD, sex, age, surname if sex == MALE else other_surname())
            if rng.random() >= married:
                return [head]
            # Wives are usually a little younger than their husbands.
            gap = rng.randint(-2, 6)
            spouse_age = max(18, age - gap if sex == MALE else age + gap)
            spouse_sex = FEMALE if sex == MALE else MALE
            spouse = _Draft(
                Relation.SPOUSE, spouse_sex, spouse_age, surname if spouse_sex == MALE else other_surname()
            )
            return [head, spouse]

        def children(
            parents: list[_Draft], count: int, relation_of: Callable[[str], str], sex: str = ""
        ) -> list[_Draft]:
            # Every child is 20 to 40 years younger than each of the parents on file.
            ages = [d.age for d in parents]
            youngest_allowed, oldest_allowed = max(max(ages) - 40, 0), min(ages) - 20
            result: list[_Draft] = []
            if oldest_allowed < youngest_allowed:
                return result
            age = oldest_allowed - rng.randint(0, min(12, oldest_allowed - youngest_allowed))
            for _i in range(count):
                if age < youngest_allowed:
                    break
                child_sex = sex or (MALE if rng.random() < 0.52 else FEMALE)
                result.append(_Draft(relation_of(child_sex), child_sex, age, surname, generation=1))
                age -= rng.randint(1, 6)
            return result

        def son_or_daughter(sex: str) -> str:
            return Relation.SON if sex == MALE else Relation.DAUGHTER

        def grandchild(_sex: str) -> str:
            return Relation.GRANDCHILD

        if kind == ELDER_COUPLE:
            people = couple(tri(60, 92, 66))
        elif kind == ELDER_ALONE:
            sex = FEMALE if rng.random() < 0.6 else MALE
            age = tri(62, 97, 74)
            people = [_Draft(Relation.HEAD, sex, age, surname if sex == MALE else other_surname())]
            if rng.random() < 0.45:
                # The late spouse stays on file, marked deceased (the head is always the living one).
                spouse_sex = MALE if sex == FEMALE else FEMALE
                spouse_age = age + (rng.randint(0, 6) if spouse_sex == MALE else -rng.randint(0, 4))
                people.append(
                    _Draft(
                        Relation.SPOUSE,
                        spouse_sex,
                        spouse_age,
                        surname if spouse_sex == MALE else other_surname(),
                        deceased=True,
                    )
                )
        elif kind == NUCLEAR:
            people = couple(tri(24, 58, 38), married=0.92)
            count = 1 if rng.random() < 0.55 else 2 if rng.random() < 0.82 else 3
            people += children(people, count, son_or_daughter)
        elif kind == THREE_GENERATIONS:
            people = couple(tri(50, 80, 62), married=0.85)
            # Mostly a son and his wife; now and then a daughter with a 上门女婿.
            middle = children(people, 1, son_or_daughter, sex=MALE if rng.random() < 0.8 else FEMALE)
            if middle and rng.random() < 0.8:
                child = middle[0]
                in_law_sex = FEMALE if child.sex == MALE else MALE
                in_law = Relation.DAUGHTER_IN_LAW if in_law_sex == FEMALE else Relation.SON_IN_LAW
                in_law_age = max(
                    18, child.age + (rng.randint(-6, 2) if in_law_sex == FEMALE else rng.randint(-2, 6))
                )
                middle.append(_Draft(in_law, in_law_sex, in_law_age, other_surname(), generation=1))
            grandchildren = children(middle, 1 if rng.random() < 0.55 else 2, grandchild) if middle else []
            for draft in grandchildren:
                draft.generation = 2
            people += middle + grandchildren
        elif kind == SKIPPED_GENERATION:
            # 隔代抚养: grandparents raise the children of a son who works away; built from the youngest up.
            eldest = rng.randint(1, 15)
            son_age = eldest + rng.randint(21, 30)
            kids = [eldest]
            if rng.random() < 0.4:
                kids.append(rng.randint(max(0, son_age - 40), eldest))
            people = couple(max(55, son_age + rng.randint(28, 34)), male_head=0.8, married=0.8)
            if rng.random() < 0.5:
                people.append(_Draft(Relation.SON, MALE, son_age, surname, generation=1))
            for age in kids:
                sex = MALE if rng.random() < 0.52 else FEMALE
                people.append(_Draft(Relation.GRANDCHILD, sex, age, surname, generation=2))
        elif kind == WITH_PARENTS:
            people = couple(tri(28, 52, 38), married=0.85)
            head = people[0]
            people += children(people, 1 if rng.random() < 0.6 else 2, son_or_daughter)
            father_age = head.age + rng.randint(22, 34)
            mother = _Draft(
                Relation.PARENT, FEMALE, father_age - rng.randint(0, 2), other_surname(), generation=-1
            )
            father = _Draft(Relation.PARENT, MALE, father_age, head.surname, generation=-1)
            people += [mother] if rng.random() < 0.6 else [father, mother]
        else:
            sex = MALE if rng.random() < 0.75 else FEMALE
            people = [
                _Draft(Relation.HEAD, sex, tri(22, 59, 42), surname if sex == MALE else other_surname())
            ]
        # Elders other than the head sometimes died since the file was opened; they stay on file.
        for draft in people[1:]:
            if draft.age >= 75 and not draft.deceased and rng.random() < 0.08:
                draft.deceased = True
        return people

    # -- one household -------------------------------------------------------------------------------------------

    def _household(self, number: int) -> DemoHousehold:
        rng = self.rng
        village = self.villages[self._pick(self._village_cum)]
        drafts = self._drafts()
        members: list[DemoMember] = []
        names: set[str] = set()
        generation_chars: dict[int, str] = {}
        for draft in drafts:
            birth = self._birth(draft.age)
            id_number, birth = self.ids.issue(birth, draft.sex)
            if draft.generation > 0 and draft.generation not in generation_chars:
                # Siblings often share a generation character (字辈).
                chars = GIVEN_CHARACTERS[draft.sex][0 if birth.year < 1960 else 1 if birth.year < 1985 else 2]
                generation_chars[draft.generation] = rng.choice(chars) if rng.random() < 0.35 else ""
            name = ""
            for _attempt in range(8):
                name = draft.surname + self._given_name(
                    draft.sex, birth.year, generation_chars.get(draft.generation, "")
                )
                if name not in names:
                    break
            names.add(name)
            members.append(self._person(draft, name, birth, id_number, village))
        incomes = self._incomes(members, village)
        head = members[0]
        phones = [m.phone for m in members if m.phone]
        phone = (phones[0] if phones else self._mobile()) if rng.random() < 0.92 else ""
        bank_name = account_holder = account_number = ""
        # About 8% have no account on file (a check later in the procedure should find them).
        if rng.random() >= 0.08:
            bank_name = BANKS[self._pick(self._bank_cum)][0]
            account_holder = head.name
            account_number = self._account()
        if village.community:
            address = f"{village.place}{rng.choice(STREETS)}{rng.randint(1, 320)}号"
        else:
            address = f"{village.place}{rng.randint(1, 12)}社{rng.randint(1, 90)}号"
        hukou = HukouType.URBAN if village.community and rng.random() < 0.7 else HukouType.RURAL
        return DemoHousehold(
            number=number,
            region_code=village.code,
            address=address,
            hukou_type=hukou,
            phone=phone,
            bank_name=bank_name,
            account_holder=account_holder,
            account_number=account_number,
            members=members,
            incomes=incomes,
            period_start=self.period_start,
            period_end=self.period_end,
        )

    def _person(self, draft: _Draft, name: str, birth: date, id_number: str, village: _Village) -> DemoMember:
        rng = self.rng
        age = draft.age
        person = DemoMember(
            name=name, sex=draft.sex, birth_date=birth, relation=draft.relation, id_number=id_number
        )
        if age < 16 or age >= 70:
            person.work_capacity = WorkCapacity.NONE
        elif age >= 60:
            person.work_capacity = WorkCapacity.PARTIAL
        if 3 <= age <= 5 and rng.random() < 0.7:
            person.schooling = Schooling.PRESCHOOL
        elif 6 <= age <= 15:
            person.schooling = Schooling.COMPULSORY
        elif 16 <= age <= 18:
            roll = rng.random()
            person.schooling = (
                Schooling.HIGH_SCHOOL if roll < 0.45 else Schooling.VOCATIONAL if roll < 0.8 else ""
            )
        elif 19 <= age <= 22 and rng.random() < 0.35:
            person.schooling = Schooling.UNIVERSITY
        disabled_share = 0.02 if age < 18 else 0.045 if age < 60 else 0.09 if age < 80 else 0.14
        if rng.random() < disabled_share:
            category, _weight, digit = DISABILITIES[self._pick(self._disability_cum)]
            grade = DISABILITY_GRADES[self._pick(self._grade_cum)][0]
            person.disability_category = category
            person.disability_grade = grade
            person.disability_certificate = f"{id_number}{digit}{grade}"
            if age >= 16:
                person.work_capacity = WorkCapacity.NONE if grade <= 2 else WorkCapacity.PARTIAL
        if age >= 35 and rng.random() < 0.02:
            person.serious_illness = rng.choice(SERIOUS_ILLNESSES)
            if person.work_capacity == WorkCapacity.FULL:
                person.work_capacity = WorkCapacity.PARTIAL
        if draft.sex == MALE and age >= 60 and rng.random() < 0.025:
            person.veteran_category = (
                VeteranCategory.RURAL_VETERAN_60 if rng.random() < 0.7 else VeteranCategory.VETERAN
            )
        if person.disability_grade in (1, 2) or age >= 85:
            failing = 0.5 if person.disability_grade == 1 else 0.25
            person.self_care = tuple(rng.random() >= failing for _i in range(6))
        if draft.deceased:
            died = self.reference - timedelta(days=rng.randint(20, 6 * 365))
            person.date_of_death = max(died, birth + timedelta(days=1))
            return person
        working_age = 18 <= age <= 55 and not person.schooling and person.work_capacity == WorkCapacity.FULL
        if working_age and rng.random() < (0.2 if village.community else 0.5):
            person.away_for_work = True
        if 18 <= age <= 72 and rng.random() < 0.75:
            person.phone = self._mobile()
        return person

    def _incomes(self, members: list[DemoMember], village: _Village) -> list[DemoIncome]:
        """Income items by DB-14 category; the central basic pension is its own item, not counted (DB-15)."""
        rng = self.rng
        incomes: list[DemoIncome] = []
        farmers = 0
        elders = 0
        for index, person in enumerate(members):
            if person.date_of_death:
                continue
            age = age_on(person.birth_date, self.reference)
            if person.away_for_work:
                incomes.append(
                    DemoIncome(
                        IncomeCategory.WAGE,
                        self._yuan(2600, 5600),
                        f"外出务工（{rng.choice(WORK_DESTINATIONS)}）",
                        index,
                    )
                )
            elif 18 <= age < 65 and not person.schooling and person.work_capacity != WorkCapacity.NONE:
                farmers += 1
                if rng.random() < 0.5:
                    incomes.append(
                        DemoIncome(IncomeCategory.WAGE, self._yuan(600, 2200), "本地务工（零工）", index)
                    )
            elif 65 <= age < 76 and person.work_capacity != WorkCapacity.NONE:
                farmers += 1
            if age >= 60:
                elders += 1
                incomes.append(
                    DemoIncome(
                        IncomeCategory.TRANSFER,
                        CENTRAL_BASIC_PENSION,
                        "城乡居民养老金（中央基础养老金部分）",
                        index,
                        IncomeExclusion.CENTRAL_BASIC_PENSION,
                    )
                )
                incomes.append(
                    DemoIncome(
                        IncomeCategory.TRANSFER,
                        self._yuan(20, 160, step=1),
                        "城乡居民养老金（地方加发及个人账户部分）",
                        index,
                    )
                )
            if person.disability_grade in (1, 2):
                incomes.append(
                    DemoIncome(
                        IncomeCategory.TRANSFER,
                        round_money(80),
                        "重度残疾人护理补贴",
                        index,
                        IncomeExclusion.DISABILITY_SUBSIDIES,
                    )
                )
        if farmers and not village.community:
            incomes.append(
                DemoIncome(IncomeCategory.BUSINESS, self._yuan(100, 300) * farmers, rng.choice(FARMING))
            )
        elif village.community and rng.random() < 0.15:
            incomes.append(DemoIncome(IncomeCategory.BUSINESS, self._yuan(800, 3000), "个体经营（小卖部）"))
        if not village.community and rng.random() < 0.12:
            incomes.append(DemoIncome(IncomeCategory.PROPERTY, self._yuan(20, 120, step=5), "土地流转租金"))
        if elders and elders == sum(1 for m in members if not m.date_of_death) and rng.random() < 0.35:
            incomes.append(DemoIncome(IncomeCategory.TRANSFER, self._yuan(100, 600, step=50), "子女赡养费"))
        return incomes

    def reissue(self, person: DemoMember) -> None:
        """Give a person another ID number (theirs is already on file): same birth day if a code is left."""
        person.id_number, person.birth_date = self.ids.issue(person.birth_date, person.sex)
        if person.disability_certificate:
            person.disability_certificate = person.id_number + person.disability_certificate[18:]


def _villages_of(county_code: str) -> list[_Village]:
    townships = dict(
        Region.objects.filter(code__startswith=county_code, level=Level.TOWNSHIP).values_list("code", "name")
    )
    villages = []
    for code, name in (
        Region.objects.filter(code__startswith=county_code, level=Level.VILLAGE)
        .order_by("code")
        .values_list("code", "name")
    ):
        community = name.endswith("社区居民委员会") or name.endswith("居民委员会")
        short = name.removesuffix("居民委员会") if community else name.removesuffix("民委员会")
        villages.append(_Village(code=code, place=townships.get(code[:9], "") + short, community=community))
    return villages


def generate_households(
    *, county_code: str = DEMO_COUNTY, households: int, seed: int, today: date | None = None
) -> HouseholdGenerator:
    """The same `households` synthetic households for the same seed, one at a time (constant memory)."""
    return HouseholdGenerator(county_code=county_code, households=households, seed=seed, today=today)


@lru_cache(maxsize=100_000)
def _name_keys(name: str) -> tuple[str, str]:
    # Names repeat a lot (李秀英, 王建国 …); pypinyin is the slowest step of generating a person.
    return name_keys(name)


def demo_households_count(*, county_code: str = DEMO_COUNTY) -> int:
    return Household.objects.within(county_code).filter(note=DEMO_NOTE).count()


def demo_members_count(*, county_code: str = DEMO_COUNTY) -> int:
    return Member.objects.within(county_code).filter(household__note=DEMO_NOTE).count()


def demo_households_load(
    *,
    households: int,
    seed: int,
    county_code: str = DEMO_COUNTY,
    batch_size: int = 2000,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Fill the demo county up to `households` synthetic households; return how many were added (0 if enough)."""
    existing = demo_households_count(county_code=county_code)
    if existing >= households:
        return 0
    generator = generate_households(county_code=county_code, households=households, seed=seed, today=today)
    # The first `existing` households of this seed are on file already: step over them so the sequence (and the
    # ID order codes it used) carries on where the last run stopped.
    for _skipped in itertools.islice(generator, existing):
        pass
    created = 0
    while batch := list(itertools.islice(generator, batch_size)):
        created += _write_batch(batch, generator=generator, seed=seed, county_code=county_code)
        if progress is not None:
            progress(existing + created, households)
    return created


def _free_of_existing_ids(batch: list[DemoHousehold], generator: HouseholdGenerator) -> None:
    """Re-issue any number already on file (people entered by hand, or a demo made with another seed)."""
    people = {m.id_number: m for h in batch for m in h.members}
    while people:
        numbers = list(people)
        taken: set[str] = set()
        for start in range(0, len(numbers), 500):
            taken.update(
                Member.objects.filter(id_number__in=numbers[start : start + 500]).values_list(
                    "id_number", flat=True
                )
            )
        people = {}
        for number in sorted(taken):
            # The person is looked up again: an earlier re-issue in this loop may not collide at all.
            person = next(m for h in batch for m in h.members if m.id_number == number)
            generator.reissue(person)
            people[person.id_number] = person


def _write_batch(
    batch: list[DemoHousehold], *, generator: HouseholdGenerator, seed: int, county_code: str
) -> int:
    with transaction.atomic():
        _free_of_existing_ids(batch, generator)
        homes = Household.objects.bulk_create(
            [
                Household(
                    region_id=h.region_code,
                    address=h.address,
                    phone=h.phone,
                    hukou_type=h.hukou_type,
                    bank_name=h.bank_name,
                    account_holder=h.account_holder,
                    account_number=h.account_number,
                    note=DEMO_NOTE,
                )
                for h in batch
            ]
        )
        members: list[Member] = []
        for generated, home in zip(batch, homes, strict=True):
            members.extend(
                _member_row(person, home.pk, generated.region_code) for person in generated.members
            )
        Member.objects.bulk_create(members, batch_size=1000)
        pks = [home.pk for home in homes]
        # One UPDATE for the batch: each new household points at its member whose relation is head.
        head = Member.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD).values("pk")[:1]
        Household.objects.filter(
            pk__gte=min(pks), pk__lte=max(pks), note=DEMO_NOTE, head__isnull=True
        ).update(head=Subquery(head))
        incomes: list[IncomeItem] = []
        offset = 0
        for generated, home in zip(batch, homes, strict=True):
            for item in generated.incomes:
                member = members[offset + item.member_index] if item.member_index is not None else None
                incomes.append(
                    IncomeItem(
                        household_id=home.pk,
                        member_id=member.pk if member else None,
                        category=item.category,
                        monthly_amount=item.monthly_amount,
                        source=item.source,
                        exclusion=item.exclusion,
                        period_start=generated.period_start,
                        period_end=generated.period_end,
                    )
                )
            offset += len(generated.members)
        IncomeItem.objects.bulk_create(incomes, batch_size=1000)
        # One event per batch, not per row: the batch is what was done, and 400,000 events would drown the log.
        audit_record_many(
            specs=[
                EventSpec(
                    event_code=events.HOUSEHOLDS_GENERATED,
                    region_code=county_code,
                    target_type="demo",
                    target_id=county_code,
                    target_repr=_("演示家庭(第 %(first)s 至 %(last)s 户)")
                    % {"first": batch[0].number + 1, "last": batch[-1].number + 1},
                    new={
                        "seed": seed,
                        "households": len(homes),
                        "members": len(members),
                        "incomes": len(incomes),
                        "household_ids": [min(pks), max(pks)],
                    },
                )
            ]
        )
    return len(homes)


def _member_row(person: DemoMember, household_id: Any, region_code: str) -> Member:
    full, initials = _name_keys(person.name)
    care = dict(zip(Member.SELF_CARE_FIELDS, person.self_care or (None,) * 6, strict=True))
    return Member(
        household_id=household_id,
        region_id=region_code,
        name=person.name,
        name_pinyin=full,
        name_initials=initials,
        id_number=person.id_number,
        id_last4=person.id_number[-4:],
        id_last6=person.id_number[-6:],
        birth_date=person.birth_date,
        sex=person.sex,
        relation=person.relation,
        phone=person.phone,
        away_for_work=person.away_for_work,
        work_capacity=person.work_capacity,
        schooling=person.schooling,
        serious_illness=person.serious_illness,
        disability_category=person.disability_category,
        disability_grade=person.disability_grade,
        disability_certificate=person.disability_certificate,
        veteran_category=person.veteran_category,
        date_of_death=person.date_of_death,
        **care,
    )
