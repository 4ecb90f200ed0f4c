"""Hand-written batch screening, the practical limit: one DuckDB query and one Polars plan.

Both evaluate the US pack's measures as a small table joined to the applications on the
country of the post (a 243(d) measure applies only there), then aggregate per application.
They check what readmit checks in the same columns (codes, classes, dates) and produce the
same output columns (decision, measures, reasons, citations, restrictions, decision_id), with
shorter reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from readmit.domain.countries import COUNTRY_CODES
from readmit.domain.sanctions import Measure, restriction_text
from readmit.domain.sanctions_policy import Policy


@dataclass(frozen=True)
class Checks:
    """The word lists readmit checks fields against (from the pack's policy)."""

    ranks: list[str]
    relationships: list[str]


def checks_from(reading: tuple[tuple[str, Any], ...]) -> Checks:
    """The pack's rank and relationship lists, as readmit's reading checks hold them."""

    def values(expr: Any) -> list[str]:
        found: list[str] = []
        if hasattr(expr, "values") and isinstance(expr.values, frozenset):
            found.extend(expr.values)
        for child in [*getattr(expr, "items", ()), getattr(expr, "item", None)]:
            if child is not None:
                found.extend(values(child))
        return sorted(set(found))

    by_field = dict(reading)
    return Checks(values(by_field["rank"]), values(by_field["relationship"]))


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
                # Every code of the country the pack knows: another code of the country (a
                # misspelt covered one, say) is for review, as readmit reads it.
                "known": sorted(policy.organisations.codes_of(m.country))
                if who and not who.everyone
                else [],
                "prefix": f"{m.country}-",
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


# How readmit reads a field before checking it (docs/screening.md): spaces trimmed, codes in
# capitals, words in small letters; a date is YYYY-MM-DD and a real day; no decision date is
# today. The limits read every field so, and check every field readmit checks.
UPPER_FIELDS = ("nationality", "visa_class", "post_country", "employer", "principal_employer")
LOWER_FIELDS = ("rank", "principal_rank", "relationship", "approved_exception")
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
RAW = "raw_"  # the input's own cells, written out as they came


def _normalised(columns: list[str]) -> list[pl.Expr]:
    out = []
    for name in columns:
        text = pl.col(name).fill_null("").str.strip_chars()
        if name in UPPER_FIELDS:
            text = text.str.to_uppercase()
        elif name in LOWER_FIELDS:
            text = text.str.to_lowercase()
        out.append(text.alias(name))
    return out


def _date(name: str) -> pl.Expr:
    text = pl.col(name)
    parsed = text.str.to_date("%Y-%m-%d", strict=False)
    return pl.when(text.str.contains(DATE_PATTERN)).then(parsed).otherwise(None)


def polars_limit(
    source: Path, target: Path, measures: pl.DataFrame, classes: list[str], checks: Checks
) -> int:
    """Screen ``source`` into ``target`` with one hand-written Polars plan (streaming sink)."""
    scan = pl.scan_parquet(source)
    columns = list(scan.collect_schema())
    apps = (
        scan.with_row_index("rid")
        .with_columns(pl.col(c).alias(RAW + c) for c in columns)
        .with_columns(_normalised(columns))
    )
    today = date.today()
    day = (
        pl.when(pl.col("decision_date") == "").then(pl.lit(today)).otherwise(_date("decision_date"))
    )
    codes = sorted(COUNTRY_CODES)
    valid = (
        pl.col("nationality").is_in(codes)
        & pl.col("post_country").is_in(codes)
        & pl.col("visa_class").is_in(classes)
        & day.is_not_null()
        & ((pl.col("date_of_birth") == "") | _date("date_of_birth").is_not_null())
        & ((pl.col("rank") == "") | pl.col("rank").is_in(checks.ranks))
        & ((pl.col("principal_rank") == "") | pl.col("principal_rank").is_in(checks.ranks))
        & ((pl.col("relationship") == "") | pl.col("relationship").is_in(checks.relationships))
        & pl.col("approved_exception").is_in(["", "true", "false"])
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
        .with_columns(valid.alias("valid"))
        .with_columns(
            pl.when(~pl.col("valid"))
            .then(pl.lit("invalid"))
            .otherwise(
                pl.col("status")
                .fill_null(0)
                .replace_strict(list(range(5)), STATUS, return_dtype=pl.String)
            )
            .alias("decision"),
            *[
                pl.when(pl.col("valid")).then(pl.col(c).fill_null("")).otherwise(pl.lit(""))
                for c in ("measures", "reasons", "citations")
            ],
            pl.when(pl.col("valid") & (pl.col("status") == 2))
            .then(pl.col("restriction"))
            .otherwise(pl.lit(""))
            .alias("restrictions"),
            pl.format(f"{BATCH}:{{}}", pl.col("rid") + 1).alias("decision_id"),
        )
        .select(*[pl.col(RAW + c).alias(c) for c in columns], *OUTPUTS)
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

    born = _date("date_of_birth")
    limit = pl.format("{}y", pl.col("child_under"))
    young = (born.dt.offset_by(limit) > pl.col("day")).fill_null(False)
    rel = pl.col("relationship")
    family_member = (
        ((rel == "spouse") & pl.col("spouse"))
        | ((rel == "child") & pl.col("child"))
        | ((rel == "employee") & pl.col("staff"))
    )
    may_be_family = (
        ((rel == "spouse") & pl.col("spouse"))
        | (
            (rel == "child")
            & pl.col("child")
            & ((pl.col("child_under") == 0) | young | (pl.col("date_of_birth") == ""))
        )
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

    def unknown(employer: str) -> pl.Expr:
        return (
            ~pl.col("everyone")
            & pl.col(employer).str.starts_with(pl.col("prefix"))
            & ~pl.col("known").list.contains(pl.col(employer))
        )

    review = (
        missing("employer", "rank")
        | unknown("employer")
        | (family_member & unknown("principal_employer"))
        # A child past the age limit is no relative the measure can reach, rank or none.
        | (may_be_family & missing("principal_employer", "principal_rank"))
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
  WITH raw AS (SELECT row_number() OVER () AS rid, * FROM read_parquet($source)),
  norm AS (
    SELECT rid,
      upper(trim(coalesce(nationality, ''))) AS nationality,
      upper(trim(coalesce(visa_class, ''))) AS visa_class,
      upper(trim(coalesce(post_country, ''))) AS post_country,
      upper(trim(coalesce(employer, ''))) AS employer,
      upper(trim(coalesce(principal_employer, ''))) AS principal_employer,
      lower(trim(coalesce(rank, ''))) AS rank,
      lower(trim(coalesce(principal_rank, ''))) AS principal_rank,
      lower(trim(coalesce(relationship, ''))) AS relationship,
      lower(trim(coalesce(approved_exception, ''))) AS approved_exception,
      trim(coalesce(decision_date, '')) AS decision_date,
      trim(coalesce(date_of_birth, '')) AS date_of_birth
    FROM raw
  ),
  apps AS (
    SELECT *,
      CASE WHEN decision_date = '' THEN DATE '$today'
        WHEN regexp_full_match(decision_date, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
        THEN try_strptime(decision_date, '%Y-%m-%d')::DATE END AS day,
      CASE WHEN regexp_full_match(date_of_birth, '[0-9]{4}-[0-9]{2}-[0-9]{2}')
        THEN try_strptime(date_of_birth, '%Y-%m-%d')::DATE END AS born
    FROM norm
  ),
  checked AS (
    SELECT rid, day, post_country,
      nationality IN (SELECT code FROM countries)
      AND post_country IN (SELECT code FROM countries)
      AND visa_class IN (SELECT code FROM classes)
      AND day IS NOT NULL
      AND (date_of_birth = '' OR born IS NOT NULL)
      AND (rank = '' OR rank IN (SELECT word FROM ranks))
      AND (principal_rank = '' OR principal_rank IN (SELECT word FROM ranks))
      AND (relationship = '' OR relationship IN (SELECT word FROM relationships))
      AND approved_exception IN ('', 'true', 'false') AS valid
    FROM apps
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
        OR (NOT m.everyone AND starts_with(a.employer, m.prefix)
            AND NOT list_contains(m.known, a.employer))
        OR (NOT m.everyone AND starts_with(a.principal_employer, m.prefix)
            AND NOT list_contains(m.known, a.principal_employer)
            AND ((a.relationship = 'spouse' AND m.spouse) OR (a.relationship = 'child' AND m.child)
                 OR (a.relationship = 'employee' AND m.staff)))
        OR (((a.relationship = 'spouse' AND m.spouse)
             OR (a.relationship = 'child' AND m.child
                 AND (m.child_under = 0 OR a.date_of_birth = ''
                      OR coalesce(a.born + to_years(m.child_under::INT) > a.day, false)))
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
  SELECT r.* EXCLUDE (rid),
    CASE
      WHEN NOT c.valid THEN 'invalid'
      ELSE ['not_affected', 'excepted', 'restricted', 'needs_review',
            'discontinued'][coalesce(g.status, 0) + 1]
    END AS decision,
    CASE WHEN c.valid THEN coalesce(g.measures, '') ELSE '' END AS measures,
    CASE WHEN c.valid THEN coalesce(g.reasons, '') ELSE '' END AS reasons,
    CASE WHEN c.valid THEN coalesce(g.citations, '') ELSE '' END AS citations,
    CASE WHEN c.valid AND g.status = 2 THEN coalesce(g.restrictions, '') ELSE '' END
      AS restrictions,
    '$batch:' || r.rid AS decision_id
  FROM raw r JOIN checked c USING (rid) LEFT JOIN agg g USING (rid)
) TO $target (FORMAT parquet)
"""


def duckdb_limit(
    source: Path, target: Path, measures: pl.DataFrame, classes: list[str], checks: Checks
) -> int:
    """Screen ``source`` into ``target`` with one hand-written DuckDB query."""
    con = duckdb.connect()
    con.execute("SET memory_limit = '2GB'; SET preserve_insertion_order = false")
    con.register("measures", measures.to_arrow())
    con.register("countries", pl.DataFrame({"code": sorted(COUNTRY_CODES)}).to_arrow())
    con.register("classes", pl.DataFrame({"code": classes}).to_arrow())
    con.register("ranks", pl.DataFrame({"word": checks.ranks}).to_arrow())
    con.register("relationships", pl.DataFrame({"word": checks.relationships}).to_arrow())
    sql = DUCKDB_SQL.replace("$source", f"'{source}'").replace("$target", f"'{target}'")
    sql = sql.replace("$today", date.today().isoformat())
    sql = sql.replace("$batch", BATCH)
    con.execute(sql)
    count = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()
    con.close()
    return int(count[0]) if count else 0


def pure_copy(source: Path, target: Path) -> int:
    """The physical limit: read the applications, add the output columns as constants, write
    them as readmit does (Parquet, zstd). No field is read, checked or matched."""
    scan = pl.scan_parquet(source)
    out = scan.with_columns(
        pl.lit("not_affected").alias("decision"),
        *[pl.lit("").alias(c) for c in ("measures", "reasons", "citations", "restrictions")],
        pl.format(f"{BATCH}:{{}}", pl.int_range(1, pl.len() + 1)).alias("decision_id"),
    )
    out.sink_parquet(target, compression="zstd")
    return pl.scan_parquet(target).select(pl.len()).collect().item()
