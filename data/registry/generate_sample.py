#!/usr/bin/env python3
"""Writes the sample registry of the fictional 清河县 (county code 330199) and the NYC 311 service-code map.

    python3 data/registry/generate_sample.py            # rewrites the two files beside this script
    python3 data/registry/generate_sample.py --check    # exits 1 when the committed files differ from the output

The output is deterministic (fixed seed, sorted iteration, no clock, no network), so the committed JSON can be
regenerated and diffed. The file format is described in docs/REGISTRY.md.

Layout: the county covers lat 30.25-30.35, lng 120.05-120.25. Three 街道 in the east are divided into urban
communities, each a lattice of rectangular grids a few hundred metres across; three 镇 in the west are divided
into villages with one grid each. A hospital, an industrial park, a college campus and a rural industrial zone are
special grids. Boundaries are conforming: wherever a grid corner lies on a neighbour's edge, that neighbour's ring
carries the vertex too, so adjacent grids share their edges exactly and never overlap.
"""

import argparse
import json
import os
import random
import sys

from catalogue import CATALOGUE

COUNTY = {"code": "330199", "name": "清河县"}
SEED = 330199
MICRO = 1_000_000  # Coordinates are handled in integer micro-degrees so that shared corners are exact.

# (code, name, street, lat_lo, lat_hi, lng_lo, lng_hi, community columns, community rows)
TOWNSHIPS = [
    ("330199001", "清波街道", True, 30.25, 30.30, 120.15, 120.20, 4, 2),
    ("330199002", "河东街道", True, 30.25, 30.30, 120.20, 120.25, 3, 2),
    ("330199003", "城北街道", True, 30.30, 30.35, 120.15, 120.25, 3, 2),
    ("330199101", "梅岭镇", False, 30.30, 30.35, 120.05, 120.10, 2, 3),
    ("330199102", "桃源镇", False, 30.30, 30.35, 120.10, 120.15, 2, 3),
    ("330199103", "白沙镇", False, 30.25, 30.30, 120.05, 120.15, 4, 2),
]

COMMUNITY_NAMES = {
    "330199001": ["翠苑", "文锦", "望湖", "柳岸", "清泰", "锦绣", "明珠", "春晖"],
    "330199002": ["河东", "新河", "彩虹", "和畅", "东湖", "青石"],
    "330199003": ["北苑", "丰收", "科创", "学府", "长庆", "星桥"],
    "330199101": ["梅岭", "上塘", "石桥", "茶山", "竹坞", "龙潭"],
    "330199102": ["桃源", "杏花", "三溪", "新塘", "白云", "枫林"],
    "330199103": ["白沙", "沙湾", "河口", "荷塘", "柳溪", "金沙", "下洋", "双桥"],
}

# Grid lattice (columns, rows) of each urban community, by township.
URBAN_LATTICES = {
    "330199001": [(3, 5), (3, 4), (3, 5), (3, 4), (3, 5), (3, 4), (3, 4), (3, 5)],
    "330199002": [(4, 4), (4, 4), (3, 4), (4, 4), (4, 4), (3, 4)],
    "330199003": [(5, 3), (4, 4), (5, 3), (4, 3), (5, 3), (4, 4)],
}

# Special grids inside urban communities: (community code, first column, first row, columns, rows, name, place names)
URBAN_SPECIALS = [
    ("330199001002", 1, 1, 1, 1, "县人民医院网格", ["清河县人民医院", "县人民医院", "人民医院急诊楼"]),
    ("330199003003", 0, 0, 2, 2, "清河经济开发区网格", ["清河经济开发区", "开发区管委会", "科创大道1号"]),
    ("330199003004", 2, 1, 2, 2, "职业技术学院网格", ["清河职业技术学院", "职业技术学院", "学院图书馆"]),
]
# The rural village whose eastern third is an industrial zone with its own grid.
RURAL_SPLIT = ("330199103205", "白沙工业园网格", ["白沙工业园", "白沙工业园区", "工业园管委会"])

COMPOUND_PREFIXES = [
    "金桂", "银杏", "香樟", "紫荆", "丹桂", "玉兰", "海棠", "枫丹", "翡翠", "星河", "阳光", "锦园", "和园", "万象",
    "悦澜", "云庭", "东方", "金色", "湖畔", "滨河", "景苑", "清风", "明月", "书香", "康乐", "福居", "安居", "荷园",
    "鸿福", "嘉禾", "春江", "秋水", "碧桂", "绿洲", "翠湖", "蓝庭", "融园", "瑞景", "华府", "映月", "听涛", "紫薇",
    "梧桐", "凤凰", "朝晖", "新城", "水岸", "香榭",
]
COMPOUND_SUFFIXES = ["小区", "苑", "花园", "家园", "公寓", "新村", "嘉园"]
URBAN_LANDMARKS = ["菜市场", "小学", "幼儿园", "公园", "社区卫生服务站", "邻里中心", "农贸市场", "文化家园"]
NATURAL_VILLAGE_SURNAMES = ["张", "李", "王", "陈", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
                            "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓"]
NATURAL_VILLAGE_SUFFIXES = ["家坞", "家湾", "家畈", "家山", "家塘", "家桥", "家埠", "家岭"]

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
            "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",
            "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "沈", "任"]
GIVEN_CHARS = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
               "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "红", "玲", "斌", "辉", "鹏", "晨", "宇",
               "婷", "欣", "浩", "琳", "俊", "峰", "慧", "佳", "雪", "梅", "琴", "云", "凯", "波", "亮", "倩"]
MOBILE_PREFIXES = ["135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182", "187",
                   "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "189", "177", "199"]

# (code, name, township code or "")
DEPARTMENTS = [
    ("330199.zfj", "清河县综合行政执法局（城市管理局）", ""),
    ("330199.zjj", "清河县住房和城乡建设局", ""),
    ("330199.jtj", "清河县交通运输局", ""),
    ("330199.swjt", "清河县水务集团", ""),
    ("330199.sthj", "市生态环境局清河分局", ""),
    ("330199.scjg", "清河县市场监督管理局", ""),
    ("330199.gaj", "清河县公安局", ""),
    ("330199.jjdd", "清河县公安局交通警察大队", ""),
    ("330199.yjglj", "清河县应急管理局", ""),
    ("330199.mzj", "清河县民政局", ""),
    ("330199.wjj", "清河县卫生健康局", ""),
    ("330199.rsj", "清河县人力资源和社会保障局", ""),
    ("330199.jyj", "清河县教育局", ""),
    ("330199.swj", "国家税务总局清河县税务局", ""),
    ("330199.xfjy", "清河县消防救援大队", ""),
    ("330199.gdgs", "国网清河县供电公司", ""),
    ("330199.rqgs", "清河县燃气有限公司", ""),
    ("330199.zwb", "清河县政务服务管理办公室", ""),
    ("330199.slj", "清河县水利局", ""),
    ("330199.ybj", "清河县医疗保障局", ""),
    ("330199.sfj", "清河县司法局", ""),
    ("330199.xfj", "清河县信访局", ""),
    ("330199.zrzyj", "清河县自然资源和规划局", ""),
    ("330199.nyncj", "清河县农业农村局", ""),
    ("330199.txb", "清河县通信运营服务联络组（电信、移动、联通、广电）", ""),
    ("330199.wgltj", "清河县文化广电旅游体育局", ""),
    ("330199.cl", "清河县残疾人联合会", ""),
    ("330199001.pcs", "清河县公安局清波派出所", "330199001"),
    ("330199002.pcs", "清河县公安局河东派出所", "330199002"),
    ("330199003.pcs", "清河县公安局城北派出所", "330199003"),
    ("330199101.pcs", "清河县公安局梅岭派出所", "330199101"),
    ("330199102.pcs", "清河县公安局桃源派出所", "330199102"),
    ("330199103.pcs", "清河县公安局白沙派出所", "330199103"),
    ("330199001.zfzd", "清波街道综合行政执法中队", "330199001"),
    ("330199002.zfzd", "河东街道综合行政执法中队", "330199002"),
    ("330199003.zfzd", "城北街道综合行政执法中队", "330199003"),
    ("330199001.sfs", "清河县司法局清波司法所", "330199001"),
    ("330199002.sfs", "清河县司法局河东司法所", "330199002"),
    ("330199003.sfs", "清河县司法局城北司法所", "330199003"),
    ("330199101.sfs", "清河县司法局梅岭司法所", "330199101"),
    ("330199102.sfs", "清河县司法局桃源司法所", "330199102"),
    ("330199103.sfs", "清河县司法局白沙司法所", "330199103"),
]

# NYC 311 "Complaint Type" → our Open311 service code. Covers every type in ../shared/data/nyc311-2000.csv (a 2011
# sample) and the most frequent types of later years.
NYC_DEFAULT = "general-inquiry"
NYC_COMPLAINT_TYPES = {
    # In the 2011 sample.
    "Street Condition": "pothole",
    "Noise - Residential": "noise",
    "Blocked Driveway": "illegal-parking",
    "Illegal Parking": "illegal-parking",
    "DHS Advantage - Tenant": "housing-assistance",
    "DOF Property - Owner Issue": "tax-inquiry",
    "Derelict Vehicle": "abandoned-vehicle",
    "DHS Advantage -Landlord/Broker": "housing-assistance",
    "SCRIE": "housing-assistance",
    "Consumer Complaint": "consumer-complaint",
    "Sidewalk Condition": "sidewalk",
    "DOF Property - Reduction Issue": "tax-inquiry",
    "Taxi Complaint": "taxi",
    "DOF Property - Request Copy": "tax-inquiry",
    "Broken Muni Meter": "parking-facility",
    "Damaged Tree": "tree",
    "DOF Property - Payment Issue": "tax-inquiry",
    "Street Sign - Missing": "traffic-signal",
    "DOF Parking - Payment Issue": "parking-facility",
    "Noise - Commercial": "noise-commercial",
    "Street Sign - Dangling": "traffic-signal",
    "New Tree Request": "tree",
    "Highway Condition": "highway",
    "Street Sign - Damaged": "traffic-signal",
    "Overgrown Tree/Branches": "tree",
    "Noise - Vehicle": "noise",
    "Smoking": "smoking",
    "Indoor Air Quality": "air-pollution",
    "Non-Emergency Police Matter": "public-order",
    "Broken Parking Meter": "parking-facility",
    "Root/Sewer/Sidewalk Condition": "drainage",
    "Food Establishment": "food-safety",
    "Vending": "street-vending",
    "DCA / DOH New License Application Request": "general-inquiry",
    "Maintenance or Facility": "park-facility",
    "DHS Advantage - Third Party": "housing-assistance",
    "Noise - Street/Sidewalk": "noise",
    "DOF Parking - Request Status": "parking-facility",
    "Food Poisoning": "food-safety",
    "Curb Condition": "sidewalk",
    "HPD Literature Request": "general-inquiry",
    "Home Repair": "home-repair",
    "Homeless Encampment": "social-assistance",
    "Dead Tree": "tree",
    "Bus Stop Shelter Complaint": "public-transport",
    "Unsanitary Animal Pvt Property": "pest-control",
    "Window Guard": "building-safety",
    "School Maintenance": "school",
    "For Hire Vehicle Complaint": "taxi",
    "Unleashed Dog": "animal",
    "Traffic": "traffic-signal",
    "Housing Options": "housing-assistance",
    "Illegal Tree Damage": "tree",
    "Asbestos": "air-pollution",
    "Bike/Roller/Skate Chronic": "public-order",
    "Bridge Condition": "pothole",
    "Weatherization": "home-repair",
    "DOF Parking - DMV Clearance": "parking-facility",
    "Elder Abuse": "elderly-care",
    "HEAP Assistance": "social-assistance",
    "DOF Property - City Rebate": "tax-inquiry",
    "Sanitation Condition": "garbage",
    "Bike Rack Condition": "parking-facility",
    "Mold": "home-repair",
    "Animal in a Park": "animal",
    "Ferry Complaint": "public-transport",
    "Unsanitary Pigeon Condition": "pest-control",
    "Senior Center Complaint": "elderly-care",
    "DOF Parking - Request Copy": "parking-facility",
    "Parking Card": "parking-facility",
    "Alzheimer's Care": "elderly-care",
    "Housing - Low Income Senior": "housing-assistance",
    "Home Delivered Meal - Missed Delivery": "elderly-care",
    "Noise - Park": "noise",
    "Noise - House of Worship": "noise",
    "Panhandling": "social-assistance",
    "Graffiti": "graffiti",
    "Derelict Vehicles": "abandoned-vehicle",
    "X-Ray Machine/Equipment": "health-service",
    "Ferry Inquiry": "public-transport",
    "OEM Literature Request": "general-inquiry",
    "Bottled Water": "drinking-water",
    "Animal Facility - No Permit": "animal",
    "Bus Stop Shelter Placement": "public-transport",
    "Utility Program": "social-assistance",
    "Bereavement Support Group": "social-assistance",
    "Home Delivered Meal Complaint": "elderly-care",
    "Illegal Animal Sold": "animal",
    "Illegal Animal Kept as Pet": "animal",
    "Drinking Water": "drinking-water",
    # Frequent in later years.
    "HEAT/HOT WATER": "home-repair",
    "PLUMBING": "home-repair",
    "PAINT/PLASTER": "home-repair",
    "UNSANITARY CONDITION": "home-repair",
    "Noise": "noise",
    "Noise - Helicopter": "noise",
    "Water System": "water-leak",
    "Sewer": "drainage",
    "Street Light Condition": "street-light",
    "Traffic Signal Condition": "traffic-signal",
    "Dirty Conditions": "garbage",
    "Missed Collection (All Materials)": "garbage",
    "Illegal Dumping": "illegal-dumping",
    "Rodent": "pest-control",
    "Abandoned Vehicle": "abandoned-vehicle",
    "Air Quality": "air-pollution",
    "Water Quality": "drinking-water",
    "Elevator": "elevator",
    "Building/Use": "illegal-construction",
    "General Construction/Plumbing": "illegal-construction",
    "Lost Property": "general-inquiry",
    "Encampment": "social-assistance",
    "Dead Animal": "pest-control",
    "Obstruction": "street-vending",
}


def micro(degrees):
    return int(round(degrees * MICRO))


def split(lo, hi, parts):
    """Integer boundaries dividing [lo, hi] (micro-degrees) into `parts` nearly equal pieces."""
    return [lo + (hi - lo) * i // parts for i in range(parts + 1)]


class Builder:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.townships = []
        self.communities = []
        self.grids = []  # dicts with "box": (lat_lo, lat_hi, lng_lo, lng_hi) in micro-degrees
        self.people = []
        self.used_person_names = set()
        self.used_places = set()
        self.compound_pool = [p + s for p in COMPOUND_PREFIXES for s in COMPOUND_SUFFIXES]
        self.rng.shuffle(self.compound_pool)
        self.village_pool = [s + x for s in NATURAL_VILLAGE_SURNAMES for x in NATURAL_VILLAGE_SUFFIXES]
        self.rng.shuffle(self.village_pool)

    # People -------------------------------------------------------------------------------------------------------
    def person(self):
        while True:
            name = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN_CHARS) for _ in range(self.rng.choice((1, 2, 2))))
            if name not in self.used_person_names:
                break
        self.used_person_names.add(name)
        number = len(self.people) + 1
        phone = self.rng.choice(MOBILE_PREFIXES) + "0000" + "%04d" % number
        pid = "p%04d" % number
        self.people.append({"id": pid, "name": name, "phone": phone})
        return pid

    def members(self, head):
        members = [{"person_id": head, "duty": "grid_head"}]
        for _ in range(self.rng.choice((1, 1, 1, 2))):
            members.append({"person_id": self.person(), "duty": "full_time"})
        for _ in range(self.rng.choice((1, 2))):
            members.append({"person_id": self.person(), "duty": "part_time"})
        return members

    # Names --------------------------------------------------------------------------------------------------------
    def place(self, name):
        assert name not in self.used_places, name
        self.used_places.add(name)
        return name

    def compound(self):
        return self.place(self.compound_pool.pop())

    # Units --------------------------------------------------------------------------------------------------------
    def build(self):
        for code, name, street, lat_lo, lat_hi, lng_lo, lng_hi, cols, rows in TOWNSHIPS:
            self.townships.append({"code": code, "name": name, "county_code": COUNTY["code"], "street": street})
            lats = split(micro(lat_lo), micro(lat_hi), rows)
            lngs = split(micro(lng_lo), micro(lng_hi), cols)
            base_names = COMMUNITY_NAMES[code]
            for index in range(cols * rows):
                row, col = divmod(index, cols)
                box = (lats[row], lats[row + 1], lngs[col], lngs[col + 1])
                if street:
                    self.urban_community(code, index, base_names[index], box)
                else:
                    self.village(code, index, base_names[index], box)

    def urban_community(self, township, index, base, box):
        code = "%s%03d" % (township, index + 1)
        cols, rows = URBAN_LATTICES[township][index]
        community = {"code": code, "name": base + "社区", "township_code": township, "place_names": []}
        self.communities.append(community)
        lats = split(box[0], box[1], rows)
        lngs = split(box[2], box[3], cols)

        # Cells taken by special grids of this community.
        taken = {}
        specials = []
        for s_code, c0, r0, nc, nr, s_name, s_places in URBAN_SPECIALS:
            if s_code != code:
                continue
            cells = {(r, c) for r in range(r0, r0 + nr) for c in range(c0, c0 + nc)}
            for cell in cells:
                taken[cell] = len(specials)
            specials.append((min(cells), (lats[r0], lats[r0 + nr], lngs[c0], lngs[c0 + nc]), s_name, s_places))

        cadres = [self.person() for _ in range(self.rng.choice((2, 3)))]
        ordinary = [(r, c) for r in range(rows) for c in range(cols) if (r, c) not in taken]
        # Compounds: consecutive runs of 1-4 ordinary grids; buildings numbered through each compound.
        runs = []
        i = 0
        while i < len(ordinary):
            length = min(self.rng.choice((1, 2, 2, 3, 3, 4)), len(ordinary) - i)
            runs.append(ordinary[i:i + length])
            i += length
        grid_names = {}
        for run in runs:
            compound = self.compound()
            if len(run) > 1:
                community["place_names"].append(compound)
            building = 0
            for cell in run:
                names = [compound] if len(run) == 1 else []
                for _ in range(self.rng.randint(6, 12)):
                    building += 1
                    names.append(self.place("%s%d幢" % (compound, building)))
                grid_names[cell] = names
        landmarks = self.rng.sample(URBAN_LANDMARKS, self.rng.choice((2, 3)))
        for landmark in landmarks:
            cell = self.rng.choice(ordinary)
            grid_names[cell].append(self.place(base + landmark))
        community["place_names"].append(self.place(base + "路"))

        # Grids in lattice order (south-west first, row by row); a special grid takes the serial of its first cell.
        serial = 0
        emitted = set()
        per_head = -(-len(ordinary) // len(cadres))
        for r in range(rows):
            for c in range(cols):
                if (r, c) in taken:
                    k = taken[(r, c)]
                    if k in emitted:
                        continue
                    emitted.add(k)
                    _, s_box, s_name, s_places = specials[k]
                    serial += 1
                    self.grids.append({
                        "code": "%s%03d" % (code, serial), "name": s_name, "community_code": code,
                        "kind": "special", "households": self.rng.randint(0, 40),
                        "box": s_box, "members": self.members(self.person()),
                        "place_names": [self.place(p) for p in s_places]})
                    continue
                serial += 1
                position = ordinary.index((r, c))
                self.grids.append({
                    "code": "%s%03d" % (code, serial), "name": "%s社区第%d网格" % (base, serial),
                    "community_code": code, "kind": "urban", "households": self.rng.randint(300, 500),
                    "box": (lats[r], lats[r + 1], lngs[c], lngs[c + 1]),
                    "members": self.members(cadres[position // per_head]),
                    "place_names": grid_names[(r, c)]})

    def village(self, township, index, base, box):
        code = "%s%03d" % (township, 201 + index)
        name = base + "村"
        natural = [self.place(self.village_pool.pop()) for _ in range(self.rng.randint(2, 4))]
        landmarks = [self.place(name + "文化礼堂"), self.place(name + "村民委员会")]
        if index == 0:
            town = next(t["name"] for t in self.townships if t["code"] == township)
            landmarks += [self.place(town + "中心小学"), self.place(town + "卫生院")]
        self.communities.append({"code": code, "name": name, "township_code": township, "rural": True,
                                 "place_names": natural + landmarks})
        head = self.person()
        if code == RURAL_SPLIT[0]:
            cut = box[2] + (box[3] - box[2]) * 2 // 3
            self.grids.append({
                "code": code + "001", "name": name + "网格", "community_code": code, "kind": "rural",
                "households": self.rng.randint(280, 900), "box": (box[0], box[1], box[2], cut),
                "members": self.members(head), "place_names": []})
            self.grids.append({
                "code": code + "002", "name": RURAL_SPLIT[1], "community_code": code, "kind": "special",
                "households": self.rng.randint(0, 40), "box": (box[0], box[1], cut, box[3]),
                "members": self.members(self.person()), "place_names": [self.place(p) for p in RURAL_SPLIT[2]]})
            return
        self.grids.append({
            "code": code + "001", "name": name + "网格", "community_code": code, "kind": "rural",
            "households": self.rng.randint(280, 900), "box": box, "members": self.members(head),
            "place_names": []})

    # Geometry -----------------------------------------------------------------------------------------------------
    def rings(self):
        """Counter-clockwise rings with every neighbour's corner that lies on an edge inserted into it."""
        corners = set()
        for grid in self.grids:
            lat_lo, lat_hi, lng_lo, lng_hi = grid["box"]
            corners.update({(lat_lo, lng_lo), (lat_lo, lng_hi), (lat_hi, lng_lo), (lat_hi, lng_hi)})
        by_lat = {}
        by_lng = {}
        for lat, lng in corners:
            by_lat.setdefault(lat, []).append(lng)
            by_lng.setdefault(lng, []).append(lat)
        for grid in self.grids:
            lat_lo, lat_hi, lng_lo, lng_hi = grid["box"]
            south = sorted(x for x in by_lat[lat_lo] if lng_lo < x < lng_hi)
            east = sorted(y for y in by_lng[lng_hi] if lat_lo < y < lat_hi)
            north = sorted((x for x in by_lat[lat_hi] if lng_lo < x < lng_hi), reverse=True)
            west = sorted((y for y in by_lng[lng_lo] if lat_lo < y < lat_hi), reverse=True)
            ring = [(lat_lo, lng_lo)] + [(lat_lo, x) for x in south]
            ring += [(lat_lo, lng_hi)] + [(y, lng_hi) for y in east]
            ring += [(lat_hi, lng_hi)] + [(lat_hi, x) for x in north]
            ring += [(lat_hi, lng_lo)] + [(y, lng_lo) for y in west]
            grid["polygon"] = [[lat / MICRO, lng / MICRO] for lat, lng in ring]

    def document(self):
        self.rings()
        grids = []
        for g in self.grids:
            grids.append({k: g[k] for k in ("code", "name", "community_code", "kind", "households", "polygon",
                                             "members", "place_names")})
        return {
            "format": "gridcase.registry.v1",
            "description": "Sample registry of the fictional 清河县 (330199), written by "
                           "data/registry/generate_sample.py. Names, people and phone numbers are made up.",
            "counties": [COUNTY],
            "townships": self.townships,
            "communities": self.communities,
            "grids": grids,
            "people": self.people,
            "departments": [dict(code=c, name=n, **({"township_code": t} if t else {})) for c, n, t in DEPARTMENTS],
            "catalogue": [{k: v for k, v in entry.items() if v != [] or k == "keywords"} for entry in CATALOGUE],
        }


def render(document):
    """Pretty JSON where each innermost list or object sits on one line (a vertex, a member, a person)."""
    def emit(value, indent):
        pad = " " * indent
        if isinstance(value, dict):
            if all(not isinstance(v, (dict, list)) or _flat(v) for v in value.values()) and len(value) <= 8 \
                    and not any(isinstance(v, list) and len(v) > 6 for v in value.values()):
                return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
            items = [pad + "  " + json.dumps(k, ensure_ascii=False) + ": " + emit(v, indent + 2)
                     for k, v in value.items()]
            return "{\n" + ",\n".join(items) + "\n" + pad + "}"
        if isinstance(value, list):
            if _flat(value) and len(value) <= 6:
                return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
            if value and all(isinstance(v, list) and _flat(v) for v in value):
                # A polygon: all vertices on one line.
                return "[" + ", ".join(json.dumps(v, separators=(", ", ": ")) for v in value) + "]"
            if value and all(isinstance(v, str) for v in value):
                return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
            items = [pad + "  " + emit(v, indent + 2) for v in value]
            return "[\n" + ",\n".join(items) + "\n" + pad + "]"
        return json.dumps(value, ensure_ascii=False)
    return emit(document, 0) + "\n"


def _flat(value):
    if isinstance(value, list):
        return all(not isinstance(v, (dict, list)) for v in value)
    if isinstance(value, dict):
        return all(not isinstance(v, (dict, list)) for v in value.values())
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)), help="output directory")
    args = parser.parse_args()

    builder = Builder()
    builder.build()
    registry = builder.document()
    service_codes = {
        "format": "gridcase.service-codes.v1",
        "source": "NYC 311 Service Requests, column \"Complaint Type\"",
        "default": NYC_DEFAULT,
        "complaint_types": NYC_COMPLAINT_TYPES,
    }
    known = {item["open311_service_code"] for item in CATALOGUE}
    unknown = sorted({NYC_DEFAULT, *NYC_COMPLAINT_TYPES.values()} - known)
    if unknown:
        sys.exit("service codes missing from the catalogue: %s" % ", ".join(unknown))

    outputs = {
        "sample-county.json": render(registry),
        "nyc311-service-codes.json": json.dumps(service_codes, ensure_ascii=False, indent=2) + "\n",
    }
    if args.check:
        stale = [name for name, text in outputs.items()
                 if not os.path.exists(os.path.join(args.out, name))
                 or open(os.path.join(args.out, name), encoding="utf-8").read() != text]
        if stale:
            sys.exit("out of date: %s (run %s)" % (", ".join(stale), os.path.relpath(__file__)))
        return
    for name, text in outputs.items():
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            f.write(text)

    kinds = {}
    for grid in registry["grids"]:
        kinds[grid["kind"]] = kinds.get(grid["kind"], 0) + 1
    print("townships %d (%d 街道), communities %d (%d 村), grids %d (%s), people %d, departments %d "
          "(%d stations), catalogue %d (%d emergency), NYC complaint types %d" % (
              len(registry["townships"]), sum(t["street"] for t in registry["townships"]),
              len(registry["communities"]), sum(1 for c in registry["communities"] if c.get("rural")),
              len(registry["grids"]), ", ".join("%s %d" % kv for kv in sorted(kinds.items())),
              len(registry["people"]), len(registry["departments"]),
              sum(1 for d in registry["departments"] if "township_code" in d),
              len(registry["catalogue"]), sum(1 for c in registry["catalogue"] if c["emergency"]),
              len(NYC_COMPLAINT_TYPES)))


if __name__ == "__main__":
    main()
