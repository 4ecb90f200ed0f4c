"""Hand-written batch screening, the practical limit: one DuckDB query and one Polars plan.

Both evaluate the US pack's measures as a small table joined to the applications on the
country of the post (a 243(d) measure applies only there), then aggregate per application.
They check what readmit checks in the same columns (codes, classes, dates) and produce the
same output columns (decision, measures, reasons, citations, restrictions, decision_id), with
shorter reasons.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from readmit.domain.countries import COUNTRY_CODES
from readmit.domain.sanctions import Measure, restriction_text
from readmit.domain.sanctions_policy import Policy


def measure_table(measures: list[Measure], policy: Policy) -> pl.DataFrame:
    """The measures as rows: every scope condition as a plain column."""
    rows: list[dict[str, Any]] = []
    for m in measures:
        who = m.who
        members = (
            sorted(set().union(*(policy.organisations.subtree(e) for e in who.employers)))
            if who and not who.everyone
            else []
        )
        ranks = (
            sorted(policy.ranks.at_or_above(m.country, who.min_rank))
            if who and who.min_rank
            else []
        )
        span = m.certain_span()
        rows.append(
            {
                "id": m.id,
                "country": m.country,
                "start": m.starts,
                "end": m.valid_to or (m.ended_by if m.end_unknown else None),
                # The days the record places the measure in force (a dated verification settles
                # the days up to it): outside them, or with its scope unknown, a match is review.
                "scope_known": m.scope_known,
                "certain_from": span[0] if span else None,
                "certain_to": span[1] if span else None,
                "residents": "residents" in m.persons,
                "classes": sorted(policy.visa_classes.expand(m.classes))
                if m.classes is not None
                else [],
                "any_class": m.classes is None,
                "unsure": sorted(policy.visa_classes.expand(m.uncertain_classes)),
                "exempt": sorted(policy.visa_classes.expand(m.exempt_classes)),
                "everyone": who is None or who.everyone,
                "members": members,
                "ranks": ranks,
                "spouse": bool(who and "spouse" in who.family),
                "child": bool(who and "child" in who.family),
                "child_under": (who.child_under if who else None) or 0,
                "staff": bool(who and who.domestic_staff),
                "code": 4 if m.effect == "discontinue" else 2,
                "exceptions": m.exceptions_allowed,
                "citation": m.citation,
                "restriction": f"{m.id}: {restriction_text(m.restrictions)}"
                if m.restrictions
                else None,
            }
        )
    return pl.DataFrame(rows)


STATUS = ["not_affected", "excepted", "restricted", "needs_review", "discontinued"]
OUTPUTS = ["decision", "measures", "reasons", "citations", "restrictions", "decision_id"]
BATCH = "b-0123456789abcdef"  # a batch id as long as readmit's, prefixing each row's decision id


def _certain() -> pl.Expr:
    start, end = pl.col("certain_from"), pl.col("certain_to")
    placed = start.is_not_null() & (pl.col("day") >= start)
    return pl.col("scope_known") & placed & (end.is_null() | (pl.col("day") < end))


def polars_limit(source: Path, target: Path, measures: pl.DataFrame, classes: list[str]) -> int:
    """Screen ``source`` into ``target`` with one hand-written Polars plan (streaming sink)."""
    apps = pl.scan_parquet(source).with_row_index("rid")
    columns = [c for c in apps.collect_schema() if c != "rid"]
    day = pl.col("decision_date").str.to_date("%Y-%m-%d", strict=False)
    valid = (
        pl.col("nationality").is_in(sorted(COUNTRY_CODES))
        & pl.col("post_country").is_in(sorted(COUNTRY_CODES))
        & pl.col("visa_class").is_in(classes)
        & day.is_not_null()
    )
    hits = (
        apps.filter(pl.col("post_country").is_in(measures["country"].unique().to_list()))
        .with_columns(day.alias("day"))
        .join(measures.lazy(), left_on="post_country", right_on="country")
        .filter(
            (pl.col("day") >= pl.col("start"))
            & (pl.col("end").is_null() | (pl.col("day") < pl.col("end")))
            & _person(apps)
            & (
                pl.col("any_class")
                | pl.col("classes").list.contains(pl.col("visa_class"))
                | pl.col("unsure").list.contains(pl.col("visa_class"))
                | pl.col("exempt").list.contains(pl.col("visa_class"))
            )
        )
        .with_columns(_who_polars())
        .filter(pl.col("covered") | pl.col("review"))
        .with_columns(
            pl.when(
                pl.col("exempt").list.contains(pl.col("visa_class"))
                | (pl.col("exceptions") & (pl.col("approved_exception") == "true"))
            )
            .then(1)
            .when(
                pl.col("review")
                | ~_certain()
                | pl.col("unsure").list.contains(pl.col("visa_class"))
            )
            .then(3)
            .otherwise(pl.col("code"))
            .alias("status")
        )
        .group_by("rid")
        .agg(
            pl.col("status").max(),
            pl.col("id").str.join(";").alias("measures"),
            (pl.col("id") + pl.lit(": status ") + pl.col("status").cast(pl.String))
            .str.join(" | ")
            .alias("reasons"),
            pl.col("citation").unique().sort().str.join(" | ").alias("citations"),
            pl.col("restriction").filter(pl.col("status") == 2).str.join(" | "),
        )
    )
    out = (
        apps.join(hits, on="rid", how="left")
        .with_columns(
            pl.when(~valid)
            .then(pl.lit("invalid"))
            .otherwise(
                pl.col("status")
                .fill_null(0)
                .replace_strict(list(range(5)), STATUS, return_dtype=pl.String)
            )
            .alias("decision"),
            pl.col("measures").fill_null(""),
            pl.col("reasons").fill_null(""),
            pl.col("citations").fill_null(""),
            pl.when(pl.col("status") == 2)
            .then(pl.col("restriction"))
            .otherwise(pl.lit(""))
            .alias("restrictions"),
            pl.format(f"{BATCH}:{{}}", pl.col("rid") + 1).alias("decision_id"),
        )
        .select(*columns, *OUTPUTS)
    )
    out.sink_parquet(target)
    return pl.scan_parquet(target).select(pl.len()).collect().item()


def _person(apps: pl.LazyFrame) -> pl.Expr:
    national = pl.col("nationality") == pl.col("post_country")
    if "residence" not in apps.collect_schema():
        return national
    return national | (pl.col("residents") & (pl.col("residence") == pl.col("post_country")))


def _who_polars() -> list[pl.Expr]:
    def works(employer: str, rank: str) -> pl.Expr:
        rank_ok = (pl.col("ranks").list.len() == 0) | pl.col("ranks").list.contains(pl.col(rank))
        return pl.col("members").list.contains(pl.col(employer)) & rank_ok

    def missing(employer: str, rank: str) -> pl.Expr:
        return (
            pl.col("members").list.contains(pl.col(employer))
            & (pl.col("ranks").list.len() > 0)
            & (pl.col(rank) == "")
        )

    born = pl.col("date_of_birth").str.to_date("%Y-%m-%d", strict=False)
    limit = pl.format("{}y", pl.col("child_under"))
    young = (born.dt.offset_by(limit) > pl.col("day")).fill_null(False)
    rel = pl.col("relationship")
    family_member = (
        ((rel == "spouse") & pl.col("spouse"))
        | ((rel == "child") & pl.col("child"))
        | ((rel == "employee") & pl.col("staff"))
    )
    family = (
        ((rel == "spouse") & pl.col("spouse"))
        | ((rel == "child") & pl.col("child") & ((pl.col("child_under") == 0) | young))
        | ((rel == "employee") & pl.col("staff"))
    )
    covered = (
        pl.col("everyone")
        | works("employer", "rank")
        | (family & works("principal_employer", "principal_rank"))
    )
    review = (
        missing("employer", "rank")
        | (family_member & missing("principal_employer", "principal_rank"))
        | (
            (rel == "child")
            & pl.col("child")
            & (pl.col("child_under") > 0)
            & (pl.col("date_of_birth") == "")
            # the age decides only where the principal's post would cover the child
            & (
                works("principal_employer", "principal_rank")
                | missing("principal_employer", "principal_rank")
            )
        )
    )
    return [covered.alias("covered"), (review & ~covered).alias("review")]


DUCKDB_SQL = """
COPY (
  WITH apps AS (
    SELECT row_number() OVER () AS rid, *,
      try_strptime(decision_date, '%Y-%m-%d')::DATE AS day,
      try_strptime(date_of_birth, '%Y-%m-%d')::DATE AS born
    FROM read_parquet($source)
  ),
  pairs AS (
    SELECT a.rid, a.visa_class, a.approved_exception, m.id, m.citation, m.restriction,
      m.exempt, m.unsure,
      m.exceptions, m.code,
      m.scope_known AND m.certain_from IS NOT NULL AND a.day >= m.certain_from
        AND (m.certain_to IS NULL OR a.day < m.certain_to) AS certain,
      m.everyone
        OR (list_contains(m.members, a.employer)
            AND (len(m.ranks) = 0 OR list_contains(m.ranks, a.rank)))
        OR (((a.relationship = 'spouse' AND m.spouse)
             OR (a.relationship = 'child' AND m.child
                 AND (m.child_under = 0
                      OR coalesce(a.born + to_years(m.child_under::INT) > a.day, false)))
             OR (a.relationship = 'employee' AND m.staff))
            AND list_contains(m.members, a.principal_employer)
            AND (len(m.ranks) = 0 OR list_contains(m.ranks, a.principal_rank))) AS covered,
      (list_contains(m.members, a.employer) AND len(m.ranks) > 0 AND a.rank = '')
        OR (((a.relationship = 'spouse' AND m.spouse) OR (a.relationship = 'child' AND m.child)
             OR (a.relationship = 'employee' AND m.staff))
            AND list_contains(m.members, a.principal_employer)
            AND len(m.ranks) > 0 AND a.principal_rank = '')
        OR (a.relationship = 'child' AND m.child AND m.child_under > 0
            AND a.date_of_birth = '' AND list_contains(m.members, a.principal_employer)
            AND (len(m.ranks) = 0 OR list_contains(m.ranks, a.principal_rank)
                 OR a.principal_rank = ''))
        AS review
    FROM apps a JOIN measures m ON a.post_country = m.country
    WHERE a.day >= m.start AND (m."end" IS NULL OR a.day < m."end")
      AND a.nationality = m.country
      AND (m.any_class OR list_contains(m.classes, a.visa_class)
           OR list_contains(m.unsure, a.visa_class) OR list_contains(m.exempt, a.visa_class))
  ),
  hits AS (
    SELECT rid, id, citation, restriction,
      CASE
        WHEN list_contains(exempt, visa_class)
          OR (exceptions AND approved_exception = 'true') THEN 1
        WHEN NOT certain OR list_contains(unsure, visa_class) OR NOT covered THEN 3
        ELSE code
      END AS status
    FROM pairs WHERE covered OR review
  ),
  agg AS (
    SELECT rid, max(status) AS status, string_agg(id, ';' ORDER BY id) AS measures,
      string_agg(id || ': status ' || status, ' | ' ORDER BY id) AS reasons,
      string_agg(DISTINCT citation, ' | ' ORDER BY citation) AS citations,
      string_agg(restriction, ' | ' ORDER BY id) FILTER (WHERE status = 2) AS restrictions
    FROM hits GROUP BY rid
  )
  SELECT a.* EXCLUDE (rid, day, born),
    CASE
      WHEN a.nationality NOT IN (SELECT code FROM countries)
        OR a.post_country NOT IN (SELECT code FROM countries)
        OR a.visa_class NOT IN (SELECT code FROM classes)
        OR a.day IS NULL THEN 'invalid'
      ELSE ['not_affected', 'excepted', 'restricted', 'needs_review',
            'discontinued'][coalesce(g.status, 0) + 1]
    END AS decision,
    coalesce(g.measures, '') AS measures, coalesce(g.reasons, '') AS reasons,
    coalesce(g.citations, '') AS citations,
    CASE WHEN g.status = 2 THEN coalesce(g.restrictions, '') ELSE '' END AS restrictions,
    '$batch:' || a.rid AS decision_id
  FROM apps a LEFT JOIN agg g USING (rid)
) TO $target (FORMAT parquet)
"""


def duckdb_limit(source: Path, target: Path, measures: pl.DataFrame, classes: list[str]) -> int:
    """Screen ``source`` into ``target`` with one hand-written DuckDB query."""
    con = duckdb.connect()
    con.execute("SET memory_limit = '2GB'; SET preserve_insertion_order = false")
    con.register("measures", measures.to_arrow())
    con.register("countries", pl.DataFrame({"code": sorted(COUNTRY_CODES)}).to_arrow())
    con.register("classes", pl.DataFrame({"code": classes}).to_arrow())
    sql = DUCKDB_SQL.replace("$source", f"'{source}'").replace("$target", f"'{target}'")
    sql = sql.replace("$batch", BATCH)
    con.execute(sql)
    count = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()
    con.close()
    return int(count[0]) if count else 0
