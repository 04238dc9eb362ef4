"""Splink 5 on DuckDB: the reference the platform matcher is measured against.

    .venv-bench/bin/python bench/dedup/run_splink.py NORMALISED.csv OUT.csv [--threshold 0.9]

Runs in the benchmark's own environment (bench/dedup/requirements.lock), never the platform's.
Its input is the file `prepare.py` writes: the same records normalised by the platform's
Vietnamese rules (folded name parts in Vietnamese order, dates, today's province and commune,
phones), so that both systems link the same values and differ only in how they link them.

The model mirrors the platform matcher as a careful Splink user would write it: the same seven
comparisons with the same levels (the given and family name with Splink's Jaro-Winkler name
levels and term-frequency adjustments), the same blocking rules (Splink has no block-size cap:
its "given and family name, province" rule pairs every block whole), u from random pairs,
m by EM in the same three training sessions, the prior from deterministic rules, the same
threshold, connected components. Prints one line of JSON with the time of each step.
"""

from __future__ import annotations

import argparse
import csv
import json
import time

import duckdb
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def null_level(column: str) -> dict:
    return {
        "sql_condition": f"{column}_l IS NULL OR {column}_r IS NULL",
        "label_for_charts": "null",
        "is_null_level": True,
    }


def level(sql: str, label: str, tf: str | None = None) -> dict:
    found: dict = {"sql_condition": sql, "label_for_charts": label}
    if tf:
        found["tf_adjustment_column"] = tf
        found["tf_adjustment_weight"] = 1.0
    return found


ELSE = {"sql_condition": "ELSE", "label_for_charts": "else"}


def name_comparison(column: str) -> dict:
    return {
        "output_column_name": column,
        "comparison_levels": [
            null_level(column),
            level(f"{column}_l = {column}_r", "exact", tf=column),
            level(f"damerau_levenshtein({column}_l, {column}_r) <= 1", "one edit"),
            level(f"jaro_winkler_similarity({column}_l, {column}_r) >= 0.88", "jaro-winkler 0.88"),
            ELSE,
        ],
    }


COMPARISONS = [
    {
        "output_column_name": "given",
        "comparison_levels": [
            *name_comparison("given")["comparison_levels"][:-1],
            level(
                "list_contains(words_r, given_l) OR list_contains(words_l, given_r)", "elsewhere"
            ),
            ELSE,
        ],
    },
    name_comparison("family"),
    {
        "output_column_name": "middle",
        "comparison_levels": [
            # As the platform's: no middle name is a property of a name (only a record without
            # a name says nothing).
            null_level("given"),
            level("middle_l = middle_r", "exact"),
            level("damerau_levenshtein(middle_l, middle_r) <= 1", "one edit"),
            level("middle_l IS NULL AND middle_r IS NULL", "neither has one"),
            level("middle_l IS NULL OR middle_r IS NULL", "only one has one"),
            ELSE,
        ],
    },
    {
        "output_column_name": "birth_date",
        "comparison_levels": [
            null_level("year"),
            level("dob_l = dob_r", "exact"),
            level("dobsorted_l = dobsorted_r", "day and month swapped"),
            level("dm_l = dm_r AND abs(year_l - year_r) = 1", "year off by one"),
            level("damerau_levenshtein(dob_l, dob_r) <= 1", "one character"),
            level("year_l = year_r AND (dob_l IS NULL OR dob_r IS NULL)", "same year, partial"),
            level("abs(year_l - year_r) <= 1", "year ±1"),
            ELSE,
        ],
    },
    {
        "output_column_name": "sex",
        "comparison_levels": [null_level("sex"), level("sex_l = sex_r", "same"), ELSE],
    },
    {
        "output_column_name": "place",
        "comparison_levels": [
            {
                "sql_condition": "(province_l IS NULL OR province_r IS NULL) AND "
                "NOT coalesce(commune_l = commune_r, false)",
                "label_for_charts": "null",
                "is_null_level": True,
            },
            level("commune_l = commune_r", "same commune"),
            level(
                "province_l = province_r AND (commune_l IS NULL OR commune_r IS NULL)",
                "same province, a commune not known",
            ),
            level("province_l = province_r", "same province, another commune"),
            ELSE,
        ],
    },
    {
        "output_column_name": "phone",
        "comparison_levels": [
            null_level("phone"),
            level("phone_l = phone_r", "exact"),
            level("damerau_levenshtein(phone_l, phone_r) <= 1", "one digit"),
            ELSE,
        ],
    },
]

BLOCKING_RULES = [
    block_on("given", "dobsorted"),
    block_on("phone"),
    block_on("dobsorted", "province"),
    block_on("given", "commune"),
    block_on("given", "family", "dm"),
    block_on("commune", "year"),
    block_on("family", "given_initial", "commune"),
    block_on("given", "family", "province"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    source = args.input.replace("'", "''")
    load = (
        "CREATE TABLE records AS SELECT *, string_split(words, ' ') AS words_list "  # noqa: S608
        f"FROM read_csv('{source}', header = true, all_varchar = true)"
    )
    con.execute(load)
    con.execute(
        "CREATE TABLE people AS SELECT unique_id, given, given_initial, family, middle, "
        "words_list AS words, "
        "dob, dobsorted, dm, TRY_CAST(year AS INTEGER) AS year, sex, province, commune, phone "
        "FROM records"
    )
    con.execute("DROP TABLE records")
    db = DuckDBAPI(connection=con)
    people = db.register("people")
    timings["load"] = time.perf_counter() - started

    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=COMPARISONS,
        blocking_rules_to_generate_predictions=BLOCKING_RULES,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
    linker = Linker(people, settings, log_level=30)
    step = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given", "family", "dob", "commune"), block_on("phone", "given")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (
        block_on("dobsorted", "province"),
        block_on("given", "commune"),
        block_on("phone"),
    ):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    timings["train"] = time.perf_counter() - step
    step = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=args.threshold)
    timings["predict"] = time.perf_counter() - step
    step = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=args.threshold
    )
    rows = con.execute(
        f"SELECT unique_id, cluster_id FROM {clusters.physical_name} ORDER BY unique_id"  # noqa: S608
    ).fetchall()
    timings["cluster"] = time.perf_counter() - step
    with open(args.output, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["record_id", "cluster_id"])
        writer.writerows(rows)
    timings["linkage"] = timings["train"] + timings["predict"] + timings["cluster"]
    timings["total"] = time.perf_counter() - started
    print(json.dumps({"system": "splink", "timings": timings}))


if __name__ == "__main__":
    main()
