"""Pinyin of personal names for search ("zsf" finds 张三丰), with surnames read as surnames.

pypinyin reads a name as ordinary words, so 单 becomes dan, 曾 ceng, 仇 chou. Surnames have their own readings;
this table corrects the common ones and the compound surnames (复姓).
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

COMPOUND_SURNAMES: dict[str, list[str]] = {
    "欧阳": ["ou", "yang"],
    "司马": ["si", "ma"],
    "上官": ["shang", "guan"],
    "诸葛": ["zhu", "ge"],
    "东方": ["dong", "fang"],
    "皇甫": ["huang", "fu"],
    "尉迟": ["yu", "chi"],
    "公孙": ["gong", "sun"],
    "慕容": ["mu", "rong"],
    "令狐": ["ling", "hu"],
    "长孙": ["zhang", "sun"],
    "宇文": ["yu", "wen"],
    "司徒": ["si", "tu"],
    "夏侯": ["xia", "hou"],
    "澹台": ["tan", "tai"],
    "万俟": ["mo", "qi"],
    "单于": ["chan", "yu"],
    "钟离": ["zhong", "li"],
    "轩辕": ["xuan", "yuan"],
    "端木": ["duan", "mu"],
    "呼延": ["hu", "yan"],
    "西门": ["xi", "men"],
    "南宫": ["nan", "gong"],
    "申屠": ["shen", "tu"],
}
SURNAME_READINGS: dict[str, str] = {
    "单": "shan",
    "曾": "zeng",
    "仇": "qiu",
    "解": "xie",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "秘": "bi",
    "种": "chong",
    "覃": "qin",
    "翟": "zhai",
    "黑": "he",
    "员": "yun",
    "华": "hua",
    "任": "ren",
    "沈": "shen",
    "葛": "ge",
    "隗": "wei",
    "召": "shao",
    "过": "guo",
    "繁": "po",
    "折": "she",
    "能": "nai",
    "尉": "wei",
    "宓": "mi",
    "郇": "huan",
    "訾": "zi",
    "句": "gou",
    "鲜": "xian",
    "柏": "bai",
    "薄": "bo",
    "卜": "bu",
    "长": "chang",
    "朝": "chao",
    "重": "chong",
    "都": "du",
    "莘": "shen",
    "洗": "xian",
    "冼": "xian",
    "相": "xiang",
    "燕": "yan",
    "阚": "kan",
    "蕃": "pi",
    "祭": "zhai",
    "藏": "zang",
}


def name_syllables(name: str) -> list[str]:
    """The pinyin syllables of a name, surname first, read as a surname."""
    name = name.strip()
    if not name:
        return []
    if name[:2] in COMPOUND_SURNAMES:
        surname, rest = list(COMPOUND_SURNAMES[name[:2]]), name[2:]
    elif name[0] in SURNAME_READINGS:
        surname, rest = [SURNAME_READINGS[name[0]]], name[1:]
    else:
        surname, rest = list(_reading(name[0])), name[1:]
    given = list(_reading(rest)) if rest else []
    return [s.lower() for s in surname + given if s]


@lru_cache(maxsize=65_536)
def _reading(text: str) -> tuple[str, ...]:
    # Surnames and given names recur far more than whole names; pypinyin takes ~10 µs a call.
    return tuple(lazy_pinyin(text, style=Style.NORMAL, errors="ignore"))


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials), e.g. 张三丰 -> ("zhangsanfeng", "zsf"); 单雄信 -> ("shanxiongxin", "sxx")."""
    syllables = name_syllables(name)
    return "".join(syllables), "".join(s[0] for s in syllables)
