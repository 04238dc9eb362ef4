"""Blocking, comparisons, training, scoring and clustering of the matcher."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from donghanh.duplicates import matcher as m
from donghanh.duplicates.matcher import RecordTable, person_record

FAMILY = ["Nguyễn"] * 8 + ["Trần"] * 3 + ["Lê"] * 2 + ["Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
GIVEN_F = str.split("Hoa Lan Hương Mai Linh Trang Hà Hằng Nga Thảo Huyền Ngọc Yến Nhung Loan Vân")
GIVEN_M = str.split("Hùng Dũng Nam Tuấn Hải Long Minh Sơn Thắng Toàn Phúc Quân Khoa Bình Cường")
PROVINCES = ["Hà Tĩnh", "Nghệ An", "Quảng Trị", "Hà Nội", "Hải Phòng", "Thanh Hóa"]


def background(size: int, seed: int = 1) -> list[dict[str, str]]:
    """Distinct fictional people, one record each."""
    rng = random.Random(seed)
    rows = []
    for _ in range(size):
        female = rng.random() < 0.6
        given = rng.choice(GIVEN_F if female else GIVEN_M)
        rows.append(
            {
                "full_name": f"{rng.choice(FAMILY)} {'Thị' if female else 'Văn'} {given}",
                "birth_date": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/"
                f"{rng.randint(1970, 2010)}",
                "sex": "Nữ" if female else "Nam",
                "province": rng.choice(PROVINCES),
                "phone": f"09{rng.randrange(10**8):08d}" if rng.random() < 0.5 else "",
            }
        )
    return rows


def table_of(*rows: dict[str, str]) -> RecordTable:
    return RecordTable(person_record(**row) for row in rows)  # type: ignore[arg-type]


def levels(one: dict[str, str], other: dict[str, str]) -> dict[str, int]:
    table = table_of(one, other)
    found = m.compare(table, np.array([0]), np.array([1]))[0]
    return {c.name: int(level) for c, level in zip(m.COMPARISONS, found, strict=True)}


HOA = {"full_name": "Nguyễn Thị Hoà", "birth_date": "03/04/1998", "sex": "Nữ"}


class TestComparisons:
    def test_given_name_exact_one_edit_elsewhere_different(self):
        assert levels(HOA, {"full_name": "Nguyen Thi Hoa"})["given_name"] == 0
        assert levels(HOA, {"full_name": "Nguyen Thi Hao"})["given_name"] == 1
        assert levels(HOA, {"full_name": "Nguyen Thi Ho"})["given_name"] == 1
        assert levels(HOA, {"full_name": "Nguyen Thi Hoaa"})["given_name"] == 1
        # A two-letter given name one letter short of the other ("Hợ" for "Hợp"), both ways.
        assert levels({"full_name": "Lê Văn Hợ"}, {"full_name": "Lê Văn Hợp"})["given_name"] == 1
        assert levels({"full_name": "Lê Văn Hợp"}, {"full_name": "Lê Văn Hợ"})["given_name"] == 1
        assert levels({"full_name": "Lê Hoa Mai"}, {"full_name": "Lê Mai Hoa"})["given_name"] == 2
        assert levels(HOA, {"full_name": "Nguyen Thi Lan"})["given_name"] == 3

    def test_family_name_abbreviated_or_missing(self):
        assert levels(HOA, {"full_name": "Ng Thi Hoa"})["family_name"] == 0
        assert levels(HOA, {"full_name": "N. Hoa"})["family_name"] == 1
        assert levels(HOA, {"full_name": "Tran Thi Hoa"})["family_name"] == 2
        assert levels(HOA, {"full_name": "Hoa"})["family_name"] == -1

    def test_middle_name_absent_on_both_sides_agrees_on_one_side_weighs_against(self):
        # Thị/Văn are not middle names here: "Nguyễn Hoa" and "Nguyễn Thị Hoà" both have none.
        assert levels(HOA, {"full_name": "Nguyễn Hoa"})["middle_name"] == 2
        # A record without a name says nothing of its middle name.
        assert levels(HOA, {"full_name": "", "birth_date": "03/04/1998"})["middle_name"] == -1
        assert (
            levels({"full_name": "Nguyễn Thị Thu Hà"}, {"full_name": "Nguyễn Thị Hà"})[
                "middle_name"
            ]
            == 3
        )
        # Văn where the other has another middle name: not a middle name left out, another one.
        assert (
            levels({"full_name": "Nguyễn Văn Nam"}, {"full_name": "Nguyễn Quốc Nam"})["middle_name"]
            == 4
        )
        assert (
            levels({"full_name": "Nguyễn Thị Thu Hà"}, {"full_name": "Nguyễn Thị Lan Hà"})[
                "middle_name"
            ]
            == 4
        )
        assert (
            levels({"full_name": "Lê Minh Anh"}, {"full_name": "Lê Mihn Anh"})["middle_name"] == 1
        )

    @pytest.mark.parametrize(
        ("other", "level"),
        [
            ("1998-04-03", 0),
            ("04/03/1998", 1),
            ("03/04/1997", 2),
            ("03/04/1999", 2),
            ("05/04/1998", 3),
            ("1998", 4),
            ("1999", 5),
            ("03/04/2001", 6),
            ("", -1),
        ],
    )
    def test_birth_date(self, other, level):
        assert levels(HOA, {**HOA, "birth_date": other})["birth_date"] == level

    def test_sex(self):
        assert levels(HOA, {**HOA, "sex": "F"})["sex"] == 0
        assert levels(HOA, {**HOA, "sex": "Nam"})["sex"] == 1
        assert levels(HOA, {**HOA, "sex": ""})["sex"] == -1

    def test_place_old_and_new_names(self):
        old = {**HOA, "province": "Quảng Bình"}
        assert levels(old, {**HOA, "province": "Quang Tri"})["place"] == 1
        assert levels(old, {**HOA, "province": "Hà Nội"})["place"] == 3
        assert levels(old, HOA)["place"] == -1
        same = levels({**HOA, "province": "Hà Tĩnh", "commune": "Xã Xuân Hội"},
                      {**HOA, "province": "Ha Tinh", "commune": "Xuan Hoi"})  # fmt: skip
        assert same["place"] == 0

    def test_place_a_commune_missing_is_not_another_commune(self):
        xuan_hoi = {**HOA, "province": "Hà Tĩnh", "commune": "Xã Xuân Hội"}
        # The same province, one commune not written: level 1, weighed apart from level 2,
        # two communes written that differ (more against).
        assert levels(xuan_hoi, {**HOA, "province": "Ha Tinh"})["place"] == 1
        assert (
            levels(xuan_hoi, {**HOA, "province": "Ha Tinh", "commune": "Cẩm Xuyên"})["place"] == 2
        )

    def test_phone_in_any_form_and_with_one_digit_wrong(self):
        one = {**HOA, "phone": "0912 345 678"}
        assert levels(one, {**HOA, "phone": "+84912345678"})["phone"] == 0
        assert levels(one, {**HOA, "phone": "0912345679"})["phone"] == 1
        assert levels(one, {**HOA, "phone": "0987654321"})["phone"] == 2
        assert levels(one, HOA)["phone"] == -1


def test_a_table_extended_compares_as_one_built_at_once():
    rows = [
        HOA,
        {"full_name": "Nguyen Thi Hao", "birth_date": "1998", "province": "Quảng Bình"},
        {"full_name": "Lê Văn Hợ", "phone": "0912 345 678"},
        {"full_name": "Lê Văn Hợp", "birth_date": "04/03/1998", "sex": "Nam"},
        {"full_name": "Hoa", "province": "Hà Tĩnh", "commune": "Xã Xuân Hội"},
    ]
    whole = table_of(*rows)
    grown = table_of()
    grown.extend(person_record(**row) for row in rows[:2])  # type: ignore[arg-type]
    grown.extend([])
    grown.extend(person_record(**row) for row in rows[2:])  # type: ignore[arg-type]
    left, right = np.array(list(itertools.combinations(range(len(rows)), 2))).T
    assert grown.size == whole.size
    assert (m.compare(grown, left, right) == m.compare(whole, left, right)).all()


def test_pairs_in_blocks_are_every_pair_with_the_same_key_once():
    rng = np.random.default_rng(3)
    keys = rng.integers(-1, 20, size=300)
    codes = set(m.pairs_in_blocks(keys).tolist())
    expected = {
        i * 300 + j
        for i, j in itertools.combinations(range(300), 2)
        if keys[i] == keys[j] and keys[i] >= 0
    }
    assert codes == expected


def test_blocks_larger_than_the_limit_are_not_paired():
    keys = np.array([1] * 5 + [2] * 3)
    assert len(m.pairs_in_blocks(keys, max_block=4)) == 3


def test_candidate_pairs_include_the_issue_s_examples():
    rows = [HOA, {"full_name": "Nguyen Thi Hoa", "birth_date": "04/03/1998"}]
    left, right = m.candidate_pairs(table_of(*rows))
    assert (left.tolist(), right.tolist()) == ([0], [1])


def test_cluster_is_connected_components():
    clusters = m.cluster(6, np.array([0, 1, 4]), np.array([1, 2, 5]))
    assert clusters.tolist() == [0, 0, 0, 3, 4, 4]


def test_separate_conflicts_keeps_apart_what_chaining_joined():
    # 0-1 and 1-2 linked (1-2 the weaker); 0 and 2 compared and unlike: 2 leaves the cluster.
    labels = m.cluster(4, np.array([0, 1]), np.array([1, 2]))
    assert labels.tolist() == [0, 0, 0, 3]
    found = m.separate_conflicts(
        labels, np.array([0, 1]), np.array([1, 2]), np.array([12.0, 4.0]),
        np.array([0]), np.array([2]),
    )  # fmt: skip
    assert found.tolist() == [0, 0, 2, 3]
    # Nothing to keep apart: the components as they were.
    same = m.separate_conflicts(
        labels, np.array([0, 1]), np.array([1, 2]), np.array([12.0, 4.0]),
        np.array([0]), np.array([3]),
    )  # fmt: skip
    assert same.tolist() == labels.tolist()


def test_a_default_model_must_have_the_matcher_s_levels():
    model = m.default_model()
    assert [len(row) for row in model.m] == [len(c.levels) for c in m.COMPARISONS]


@pytest.fixture(scope="module")
def registry():
    """A registry of 4,000 distinct people and, at the end, the issue's duplicates."""
    rows = background(4000)
    hoa = {**HOA, "province": "Hà Tĩnh", "commune": "Xã Xuân Hội", "phone": "0912345678"}
    variants = [
        hoa,
        {"full_name": "Nguyen Thi Hoa", "birth_date": "04/03/1998", "sex": "nu",
         "province": "Ha Tinh", "commune": "Xuan Hoi"},
        {"full_name": "Nguyen Thi Hao", "birth_date": "03/04/1998", "province": "Hà Tĩnh",
         "commune": "Xuân Hội"},
        {"full_name": "Ng Thi Hoa", "birth_date": "1998", "sex": "F", "phone": "+84 912 345 678"},
        {"full_name": "Nguyễn Hoa", "birth_date": "03/04/1997", "province": "Hà Tĩnh",
         "commune": "Xuân Hội"},
        {"full_name": "Hoa Nguyen Thi", "province": "Ha Tinh", "commune": "Xa Xuan Hoi",
         "sex": "Nữ", "phone": "0912.345.678"},
    ]  # fmt: skip
    return rows + variants, len(variants)


def test_link_puts_the_issue_s_variants_in_one_cluster(registry):
    rows, count = registry
    table = table_of(*rows)
    linkage = m.link(table)
    variants = linkage.clusters[-count:]
    assert len(set(variants.tolist())) == 1
    # And nobody from the background joined them.
    assert (linkage.clusters[:-count] == variants[0]).sum() == 0


def test_training_learns_from_the_registry_itself_without_labels():
    from donghanh.core.text import fold

    rows = background(6000, seed=2)
    rng = random.Random(5)
    twins = []
    originals = rng.sample(range(len(rows)), 600)
    for index in originals:
        row = rows[index]
        twin = {**row, "full_name": fold(row["full_name"]).title()}
        if rng.random() < 0.3:
            twin["birth_date"] = ""
        twins.append(twin)
    table = table_of(*rows, *twins)
    left, right = m.candidate_pairs(table)
    model = m.train(table, m.compare(table, left, right))
    assert model.em_iterations > 0
    assert model.m != m.default_model().m
    for k in range(len(m.COMPARISONS)):
        assert model.m[k][0] > model.u[k][0]
    # About 600 matches among 6,600 × 6,599 / 2 pairs.
    assert 0.5 * 600 / 21_776_700 < model.prior < 2 * 600 / 21_776_700
    clusters = m.link(table, model=model).clusters
    found = sum(clusters[i] == clusters[6000 + k] for k, i in enumerate(originals))
    # A twin without birth date nor phone (about 15 %) is one of many "Nguyen Thi Hoa" of a
    # province here: left alone rightly.
    assert found > 0.8 * 600


def test_a_small_registry_uses_the_default_weights_and_its_own_name_frequencies(registry):
    rows, _count = registry
    linkage = m.link(table_of(*rows))
    assert linkage.model.m == m.default_model().m
    assert linkage.model.tf["family"]["nguyen"] > 0.3
    assert 0 < linkage.model.prior < 0.01


def test_a_rare_given_name_weighs_more_than_a_common_one(registry):
    rows, _count = registry
    rare = {"full_name": "Nguyễn Thị Xoan", "birth_date": "01/01/1990", "sex": "Nữ"}
    common = {"full_name": "Nguyễn Thị Hoa", "birth_date": "01/01/1990", "sex": "Nữ"}
    table = table_of(*rows, rare, rare, common, common)
    linkage = m.link(table)
    n = table.size
    weights = m.score(
        table,
        np.array([n - 4, n - 2]),
        np.array([n - 3, n - 1]),
        m.compare(table, np.array([n - 4, n - 2]), np.array([n - 3, n - 1])),
        linkage.model,
    )
    assert weights[0] > weights[1] + 3


def test_the_weights_shown_field_by_field_add_up_to_the_pairs_match_weight():
    """The review queue's "why they match" table is the matcher's own sum: every pair's weight
    is the same prior plus its fields' weights."""
    import datetime

    from donghanh.duplicates.scan import PersonRow, find_pairs

    created = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
    people = [
        ("Nguyễn Thị Hoà", datetime.date(1998, 4, 3), "0912345678"),
        ("Nguyen Thi Hoa", datetime.date(1998, 3, 4), "0912 345 678"),
        ("Trần Thị Minh", datetime.date(1990, 1, 1), "0903111222"),
        ("Tran Thi Minh", datetime.date(1990, 1, 1), "0903 111 222"),
        ("Lê Thị Lan", datetime.date(2001, 7, 9), "0987000111"),
        ("Le Thi Lan", datetime.date(2001, 7, 9), ""),
        ("Phạm Thị Thu", datetime.date(1985, 12, 30), "0977555444"),
    ]
    rows = [
        PersonRow(pk, name, born, None, None, created, "female", phone, None, None)
        for pk, (name, born, phone) in enumerate(people, start=1)
    ]
    pairs = find_pairs(rows).pairs
    assert {(pair.person_a, pair.person_b) for pair in pairs} >= {(1, 2), (3, 4), (5, 6)}
    priors = {round(pair.weight - sum(field.weight for field in pair.fields), 9) for pair in pairs}
    assert len(priors) == 1
    assert all(field.level for pair in pairs for field in pair.fields if field.weight)
