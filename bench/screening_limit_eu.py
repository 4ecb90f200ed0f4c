"""Hand-written batch screening under the EU Visa Code's Article 25a: one Polars plan.

An Art. 25a measure follows the nationality wherever the national applies, on the day the
application was lodged. The plan joins the measures, a small table with one row per measure
and per span of its dated parameters (the increased fee is EUR 120, then EUR 135 from
2024-06-11), to the applications on each of their nationalities; keeps the pairs whose lodging
day is in the measure's time, whose visa class the measure names in any way and whose passport
type it covers; gives each pair a status (exempt: a family member of an EU citizen, a child
under the measure's age, an exempt class, an approved exception; open: a day the record does
not settle or a class it leaves open; else the measure's effect); then aggregates per
application. It reads and checks every field as readmit does, with shorter reasons.

It holds measures of that shape only (everyone of a nationality, no employers or ranks), and
says so rather than screen others wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from screening_limit import BATCH, DATE_PATTERN, OUTPUTS, RAW, STATUS

from readmit.domain.countries import COUNTRY_CODES
from readmit.domain.sanctions import DISCONTINUE, Measure, restriction_text
from readmit.domain.sanctions_policy import RELATIONSHIPS, Policy
from readmit.domain.screening import LOWER, UPPER
from readmit.domain.screening_compile import PASSPORT_TYPES


@dataclass(frozen=True)
class Regime:
    """What the plan reads from the pack beside its measures."""

    classes: list[str]
    ranks: list[str]
    exemptions: list[tuple[str, list[str]]]  # (input, the values that exempt)
    by_application_day: bool  # the lodging day governs (else the decision's)


def regime_of(policy: Policy) -> Regime:
    regime = policy.regime
    if regime.place_rule == "issuance_in_country":
        raise SystemExit("the EU plan holds regimes whose measures follow the nationality only")
    return Regime(
        classes=sorted(policy.visa_classes.classes),
        ranks=sorted(policy.ranks.all_codes()),
        exemptions=[(e.input, list(e.values)) for e in regime.exemptions],
        by_application_day=regime.governing_date != "decision_date",
    )


def measure_table(measures: list[Measure], policy: Policy) -> pl.DataFrame:
    """One row per measure and per span of its dated parameters, with its restriction's words
    on those days."""
    rows: list[dict[str, Any]] = []
    for m in measures:
        who = m.who
        if who is None or not who.everyone or m.classes is None or "residents" in m.persons:
            raise SystemExit(f"{m.id}: the EU plan holds measures on every national only")
        span = m.certain_span()
        passports = sorted(
            set(who.passport_types) | ({""} if "ordinary" in who.passport_types else set())
        )
        base = {
            "id": m.id,
            "country": m.country,
            "start": m.starts,
            "end": m.valid_to or (m.ended_by if m.end_unknown else None),
            "certain_from": span[0] if span else None,
            "certain_to": span[1] if span else None,
            "classes": sorted(policy.visa_classes.expand(m.classes)),
            "unsure": sorted(policy.visa_classes.expand(m.uncertain_classes)),
            "exempt": sorted(policy.visa_classes.expand(m.exempt_classes)),
            "passports": passports,
            "under_age": m.exempt_under_age,
            "exceptions": m.exceptions_allowed,
            "code": 4 if m.effect == DISCONTINUE else 2,
            "citation": m.citation,
        }
        for seg_from, seg_to, text in _spans(m):
            rows.append(
                {
                    **base,
                    "seg_from": seg_from,
                    "seg_to": seg_to,
                    "restriction": f"{m.id}: {text}" if text is not None else None,
                }
            )
    return pl.DataFrame(rows, schema_overrides={"under_age": pl.Int32})


def _spans(m: Measure) -> list[tuple[date | None, date | None, str | None]]:
    """The measure's restriction in words over each span of its dated parameters (before the
    first dated value, the words of the undated reading)."""
    if not (m.restrictions or m.parameters):
        return [(None, None, None)]
    starts = sorted({d for p in m.parameters for d, _v in p.values if d is not None})
    undated = restriction_text(m.restrictions, m.parameters)
    if not starts:
        return [(None, None, undated)]
    spans: list[tuple[date | None, date | None, str | None]] = [(None, starts[0], undated)]
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else None
        spans.append((start, end, restriction_text(m.restrictions, m.parameters, start)))
    return spans


# The fields readmit reads, each with what makes it unreadable (an absent field is empty).
CODES = sorted(COUNTRY_CODES)
# Zero or more country codes separated by ';' (spaces are removed before): one pattern, so the
# check costs one regex match on a row, whatever its list.
CODE_LIST = f"^(|{'|'.join(CODES)})(;(|{'|'.join(CODES)}))*$"


def _read(name: str) -> pl.Expr:
    text = pl.col(name).fill_null("").str.strip_chars()
    if name == "other_nationalities":
        return text.str.to_uppercase().str.replace_all(r"\s+", "")
    if name in UPPER:
        return text.str.to_uppercase()
    if name in LOWER:
        return text.str.to_lowercase()
    return text


def _date(name: str) -> pl.Expr:
    text = pl.col(name)
    parsed = text.str.to_date("%Y-%m-%d", strict=False)
    return pl.when(text.str.contains(DATE_PATTERN)).then(parsed).otherwise(None)


def _validity(present: set[str], regime: Regime) -> pl.Expr:
    """True where readmit can read every field (of those in the file)."""

    def empty_or(name: str, condition: pl.Expr) -> pl.Expr | None:
        return (pl.col(name) == "") | condition if name in present else None

    words = ["", "true", "false"]
    checks = [
        pl.col("nationality").is_in(CODES),
        pl.col("post_country").is_in(CODES),
        pl.col("visa_class").is_in(regime.classes),
        pl.col("decided").is_not_null(),
        empty_or("application_date", pl.col("lodged").is_not_null()),
        empty_or("date_of_birth", pl.col("born").is_not_null()),
        empty_or("residence", pl.col("residence").is_in(CODES)),
        empty_or("member_state", pl.col("member_state").is_in(CODES)),
        empty_or("passport_type", pl.col("passport_type").is_in(list(PASSPORT_TYPES))),
        empty_or("rank", pl.col("rank").is_in(regime.ranks)),
        empty_or("principal_rank", pl.col("principal_rank").is_in(regime.ranks)),
        empty_or("relationship", pl.col("relationship").is_in(list(RELATIONSHIPS))),
        pl.col("other_nationalities").str.contains(CODE_LIST)
        if "other_nationalities" in present
        else None,
        pl.col("approved_exception").is_in(words) if "approved_exception" in present else None,
        pl.col("family_of_eu_citizen").is_in(words) if "family_of_eu_citizen" in present else None,
    ]
    return pl.all_horizontal([c for c in checks if c is not None])


def polars_limit(
    source: Path, target: Path, measures: pl.DataFrame, regime: Regime, today: date
) -> int:
    """Screen ``source`` into ``target`` with one hand-written Polars plan (streaming sink)."""
    scan = pl.scan_parquet(source)
    columns = list(scan.collect_schema())
    present = set(columns)
    needed = {
        "other_nationalities",
        "approved_exception",
        "passport_type",
        "application_date",
        "date_of_birth",
        *(name for name, _values in regime.exemptions),
    }
    apps = (
        scan.with_row_index("rid")
        .with_columns(pl.col(c).alias(RAW + c) for c in columns)
        .with_columns(_read(c).alias(c) for c in columns if c != "application_id")
        .with_columns(pl.lit("").alias(c) for c in sorted(needed - present))
        .with_columns(
            pl.when(pl.col("decision_date") == "")
            .then(pl.lit(today))
            .otherwise(_date("decision_date"))
            .alias("decided"),
            _date("application_date").alias("lodged"),
            _date("date_of_birth").alias("born"),
        )
        .with_columns(
            (
                pl.coalesce("lodged", "decided") if regime.by_application_day else pl.col("decided")
            ).alias("day")
        )
    )
    hits = _hits(apps, measures, regime)
    out = (
        apps.join(hits, on="rid", how="left")
        .with_columns(_validity(present, regime).alias("valid"))
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
            .then(pl.col("restriction").fill_null(""))
            .otherwise(pl.lit(""))
            .alias("restrictions"),
            pl.format(f"{BATCH}:{{}}", pl.col("rid") + 1).alias("decision_id"),
        )
        .select(*[pl.col(RAW + c).alias(c) for c in columns], *OUTPUTS)
    )
    out.sink_parquet(target)
    return int(pl.scan_parquet(target).select(pl.len()).collect().item())


def _hits(apps: pl.LazyFrame, measures: pl.DataFrame, regime: Regime) -> pl.LazyFrame:
    """Per application with a measure that applies: the highest status, the measures, their
    citations and (at the status restricted) their restrictions on the governing day."""
    countries = measures["country"].unique().sort().to_list()
    day, visa = pl.col("day"), pl.col("visa_class")
    nationals = (
        apps.filter(pl.col("nationality").is_in(countries) | (pl.col("other_nationalities") != ""))
        .with_columns(
            pl.concat_list(pl.col("nationality"), pl.col("other_nationalities").str.split(";"))
            .list.unique()
            .alias("country")
        )
        .explode("country")
        .filter(pl.col("country").is_in(countries))
    )
    exempt = pl.any_horizontal(
        pl.lit(False),
        *(pl.col(name).is_in(values) for name, values in regime.exemptions),
        (pl.col("born").dt.offset_by(pl.format("{}y", pl.col("under_age"))) > day).fill_null(False),
        pl.col("exempt").list.contains(visa),
        pl.col("exceptions") & (pl.col("approved_exception") == "true"),
    )
    certain = (
        pl.col("certain_from").is_not_null()
        & (day >= pl.col("certain_from"))
        & (pl.col("certain_to").is_null() | (day < pl.col("certain_to")))
    )
    status = (
        pl.when(exempt)
        .then(1)
        .when(~certain | pl.col("unsure").list.contains(visa))
        .then(3)
        .otherwise(pl.col("code"))
    )
    restricted = pl.col("status") == 2
    return (
        nationals.join(measures.lazy(), on="country")
        .filter(
            (day >= pl.col("start"))
            & (pl.col("end").is_null() | (day < pl.col("end")))
            & (pl.col("seg_from").is_null() | (day >= pl.col("seg_from")))
            & (pl.col("seg_to").is_null() | (day < pl.col("seg_to")))
            & (
                pl.col("classes").list.contains(visa)
                | pl.col("unsure").list.contains(visa)
                | pl.col("exempt").list.contains(visa)
            )
            & (
                (pl.col("passports").list.len() == 0)
                | pl.col("passports").list.contains(pl.col("passport_type"))
            )
        )
        .with_columns(status.alias("status"))
        .group_by("rid")
        .agg(
            pl.col("status").max(),
            pl.col("id").sort().str.join(";").alias("measures"),
            (pl.col("id") + pl.lit(": status ") + pl.col("status").cast(pl.String))
            .sort()
            .str.join(" | ")
            .alias("reasons"),
            pl.col("citation").unique().sort().str.join(" | ").alias("citations"),
            pl.col("restriction")
            .filter(restricted)
            .sort_by(pl.col("id").filter(restricted))
            .str.join(" | "),
        )
    )


# The DuckDB query: the same plan in SQL. {fields} are the fields as readmit reads them (an
# absent one empty), {valid} the reading checks of the fields in the file, {exempt} the
# regime's exemptions.
DUCKDB_SQL = """
COPY (
  WITH raw AS (SELECT row_number() OVER () AS rid, * FROM read_parquet('{source}')),
  norm AS (SELECT rid, {fields} FROM raw),
  dated AS (
    SELECT *,
      CASE WHEN decision_date = '' THEN DATE '{today}' ELSE {decided} END AS decided,
      {lodged} AS lodged,
      {born} AS born
    FROM norm
  ),
  apps AS (SELECT *, {day} AS day FROM dated),
  checked AS (SELECT rid, {valid} AS valid FROM apps),
  keyed AS (
    SELECT rid, day, visa_class, passport_type, approved_exception, born, {exemption_fields},
      unnest(list_distinct(list_prepend(nationality, string_split(other_nationalities, ';'))))
        AS country
    FROM apps
    WHERE nationality IN (SELECT country FROM measures) OR other_nationalities <> ''
  ),
  pairs AS (
    SELECT k.rid, m.id, m.citation, m.restriction,
      CASE
        WHEN {exempt}
          OR coalesce(k.born + to_years(m.under_age) > k.day, false)
          OR list_contains(m.exempt, k.visa_class)
          OR (m.exceptions AND k.approved_exception = 'true') THEN 1
        WHEN NOT (m.certain_from IS NOT NULL AND k.day >= m.certain_from
                  AND (m.certain_to IS NULL OR k.day < m.certain_to))
          OR list_contains(m.unsure, k.visa_class) THEN 3
        ELSE m.code
      END AS status
    FROM keyed k JOIN measures m ON k.country = m.country
    WHERE k.day >= m.start AND (m."end" IS NULL OR k.day < m."end")
      AND (m.seg_from IS NULL OR k.day >= m.seg_from)
      AND (m.seg_to IS NULL OR k.day < m.seg_to)
      AND (list_contains(m.classes, k.visa_class) OR list_contains(m.unsure, k.visa_class)
           OR list_contains(m.exempt, k.visa_class))
      AND (len(m.passports) = 0 OR list_contains(m.passports, k.passport_type))
  ),
  agg AS (
    SELECT rid, max(status) AS status, string_agg(id, ';' ORDER BY id) AS measures,
      string_agg(id || ': status ' || status, ' | ' ORDER BY id) AS reasons,
      string_agg(DISTINCT citation, ' | ' ORDER BY citation) AS citations,
      string_agg(restriction, ' | ' ORDER BY id) FILTER (WHERE status = 2) AS restrictions
    FROM pairs GROUP BY rid
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
    '{batch}:' || r.rid AS decision_id
  FROM raw r JOIN checked c USING (rid) LEFT JOIN agg g USING (rid)
) TO '{target}' (FORMAT parquet)
"""


def _sql_field(name: str, present: set[str]) -> str:
    if name not in present:
        return f"'' AS {name}"
    text = f"trim(coalesce({name}, ''))"
    if name == "other_nationalities":
        text = f"regexp_replace(upper({text}), '\\s+', '', 'g')"
    elif name in UPPER:
        text = f"upper({text})"
    elif name in LOWER:
        text = f"lower({text})"
    return f"{text} AS {name}"


def _sql_date(name: str) -> str:
    return (
        f"CASE WHEN regexp_full_match({name}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
        f"THEN try_strptime({name}, '%Y-%m-%d')::DATE END"
    )


def _sql_in(values: list[str]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _sql_valid(present: set[str], regime: Regime) -> str:
    codes = "(SELECT code FROM countries)"
    words = _sql_in(["", "true", "false"])
    checks = [
        f"nationality IN {codes}",
        f"post_country IN {codes}",
        f"visa_class IN {_sql_in(regime.classes)}",
        "decided IS NOT NULL",
    ]
    optional = {
        "application_date": "lodged IS NOT NULL",
        "date_of_birth": "born IS NOT NULL",
        "residence": f"residence IN {codes}",
        "member_state": f"member_state IN {codes}",
        "passport_type": f"passport_type IN {_sql_in(list(PASSPORT_TYPES))}",
        "rank": f"rank IN {_sql_in(regime.ranks)}",
        "principal_rank": f"principal_rank IN {_sql_in(regime.ranks)}",
        "relationship": f"relationship IN {_sql_in(list(RELATIONSHIPS))}",
    }
    checks += [f"({n} = '' OR {c})" for n, c in optional.items() if n in present]
    if "other_nationalities" in present:
        checks.append(f"regexp_full_match(other_nationalities, '{CODE_LIST[1:-1]}')")
    checks += [
        f"{n} IN {words}" for n in ("approved_exception", "family_of_eu_citizen") if n in present
    ]
    return "\n      AND ".join(checks)


def duckdb_limit(
    source: Path, target: Path, measures: pl.DataFrame, regime: Regime, today: date
) -> int:
    """Screen ``source`` into ``target`` with one hand-written DuckDB query."""
    import duckdb

    present = set(pl.scan_parquet(source).collect_schema())
    fields = sorted(
        {
            "nationality",
            "visa_class",
            "post_country",
            "decision_date",
            "application_date",
            "date_of_birth",
            "other_nationalities",
            "passport_type",
            "approved_exception",
            *(n for n in present if n in UPPER or n in LOWER),
            *(n for n, _v in regime.exemptions),
        }
    )
    exemption_fields = sorted({n for n, _v in regime.exemptions}) or ["rid AS unused"]
    exempt = " OR ".join(f"k.{n} IN {_sql_in(v)}" for n, v in regime.exemptions) or "false"
    sql = DUCKDB_SQL.format(
        source=source,
        target=target,
        today=today.isoformat(),
        batch=BATCH,
        fields=",\n    ".join(_sql_field(n, present) for n in fields),
        decided=_sql_date("decision_date"),
        lodged=_sql_date("application_date"),
        born=_sql_date("date_of_birth"),
        day="coalesce(lodged, decided)" if regime.by_application_day else "decided",
        valid=_sql_valid(present, regime),
        exemption_fields=", ".join(exemption_fields),
        exempt=exempt,
    )
    con = duckdb.connect()
    con.execute("SET memory_limit = '2GB'; SET preserve_insertion_order = false")
    con.register("measures", measures.to_arrow())
    con.register("countries", pl.DataFrame({"code": CODES}).to_arrow())
    con.execute(sql)
    count = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()
    con.close()
    return int(count[0]) if count else 0
