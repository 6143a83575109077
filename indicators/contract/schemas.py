"""The processed-data contract: one pandera model per published table.

Titles, units and descriptions live here once; the README, the Data page and figure captions
read them from these models.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

SEXES = ["total", "female", "male"]
KINDS = ["economy", "group"]
GROUPINGS = ["world", "development", "itu_region", "income", "wb_region", "special", "wb_aggregate"]
UNITS = ["pct_gni_pc", "usd", "ppp"]
STATISTICS = ["value", "median"]
# ITU's price medians come in two samples. 'annual': each year over the economies priced that
# year (ITU: "Not to be used for year-on-year comparison"); economy values are all 'annual'.
# 'last_N_years': ITU's constant-sample medians over the economies priced in every year of the
# window, which ITU says can be compared over time.
ANNUAL_SAMPLE = "annual"
SAMPLE_PATTERN = r"^(annual|last_[1-9][0-9]*_years)$"


def window_sample(years: int) -> str:
    """The ``sample`` of a constant-sample window of ``years`` years ('last_5_years')."""
    return f"last_{years}_years"


def window_years(sample: str) -> int | None:
    """The window of a constant sample in years; None for the annual sample."""
    match = re.fullmatch(r"last_(\d+)_years", sample)
    return int(match.group(1)) if match else None


STATUSES = ["confirmed", "within rounding", "revised", "not computable"]
# The divides beyond the four: where people live, their age, and the mobile network over them.
LOCATIONS = ["total", "urban", "rural"]
AGES = ["total", "youth", "rest"]
# ITU counts the population within reach of "at least" each technology: each covers the next.
TECHNOLOGIES = ["mobile_cellular", "3g", "lte", "5g"]


def field(title: str, description: str, unit: str | None = None, **checks: Any) -> Any:
    """A pandera Field carrying the title, unit and description that captions and docs reuse."""
    return pa.Field(title=title, description=description, metadata={"unit": unit}, **checks)


class Entities(pa.DataFrameModel):
    """Economies (ISO3) and the groups the publishers aggregate over."""

    entity_id: Series[str] = field(
        "Entity",
        "ISO 3166 alpha-3 code for economies; a stable code for groups (WLD, LDC, ...)",
        str_matches=r"^[A-Z][A-Z0-9_]{1,15}$",
    )
    name: Series[str] = field("Name", "Display name (UN M49 name where there is one)")
    kind: Series[str] = field("Kind", "economy or group", isin=KINDS)
    grouping: Series[str] = field(
        "Grouping",
        "For groups: which classification the group belongs to",
        nullable=True,
        isin=GROUPINGS,
    )
    m49: Series[str] = field("M49 code", "UN M49 numeric code, zero-padded", nullable=True)
    development_status: Series[str] = field(
        "Development status",
        "developed or developing (UN M49, 2021: the last edition with it)",
        nullable=True,
        isin=["developed", "developing"],
    )
    ldc: Series[bool] = field("LDC", "Least developed country (UN M49, current list)")
    lldc: Series[bool] = field("LLDC", "Landlocked developing country (UN M49, current list)")
    sids: Series[bool] = field("SIDS", "Small island developing State (UN M49, current list)")
    itu_region: Series[str] = field(
        "ITU region",
        "ITU/BDT region code (ITU_AFR, ...), from the ITU price-basket economies",
        nullable=True,
    )
    wb_region: Series[str] = field("World Bank region", "World Bank region code", nullable=True)
    income_group: Series[str] = field(
        "Income group",
        "World Bank income group code (HIC, UMC, LMC, LIC)",
        nullable=True,
        isin=["HIC", "UMC", "LMC", "LIC"],
    )

    class Config:
        name = "entities"
        unique = ["entity_id"]
        strict = True
        coerce = True


class InternetUse(pa.DataFrameModel):
    """Individuals using the Internet, % of population, by sex."""

    source: Series[str] = field("Source", "Publisher file family (wdi, itu_aggregates, ...)")
    vintage: Series[str] = field("Edition", "Edition of the source, yyyy-mm")
    entity_id: Series[str] = field("Entity", "Economy or group code (see entities)")
    year: Series[int] = field("Year", "Reference year", "year", ge=1960, le=2100)
    sex: Series[str] = field("Sex", "total, female or male", isin=SEXES)
    value_pct: Series[float] = field(
        "Individuals using the Internet",
        "Share of the population that used the Internet from any location in the last three months",
        "% of population",
        ge=0,
        le=100,
    )
    users_millions: Series[float] = field(
        "Internet users",
        "Number of individuals using the Internet",
        "millions",
        nullable=True,
        ge=0,
    )
    estimate: Series[bool] = field(
        "Estimate",
        "True where the publisher marks the value as an "
        "estimate (e.g. ITU's 2019* in the Oct 2019 edition)",
    )

    class Config:
        name = "internet_use"
        unique = ["source", "vintage", "entity_id", "year", "sex"]
        strict = True
        coerce = True


class BroadbandPrice(pa.DataFrameModel):
    """ICT price baskets for economies and group medians."""

    source: Series[str] = field("Source", "Publisher file family (itu_prices)")
    vintage: Series[str] = field("Edition", "Edition of the source, yyyy-mm")
    entity_id: Series[str] = field("Entity", "Economy or group code (see entities)")
    year: Series[int] = field("Year", "Year of price collection", "year", ge=2000, le=2100)
    basket: Series[str] = field(
        "Basket", "fixed_broadband, mobile_broadband, mobile_data_voice_low, ..."
    )
    allowance_gb: Series[float] = field(
        "Data allowance", "Monthly data allowance of the basket", "GB", nullable=True, ge=0
    )
    unit: Series[str] = field(
        "Unit", "pct_gni_pc (% of monthly GNI per capita), usd or ppp (PPP$ per month)", isin=UNITS
    )
    statistic: Series[str] = field(
        "Statistic", "value for an economy; median for a group", isin=STATISTICS
    )
    value: Series[float] = field("Price", "Monthly price of the basket, in `unit`", ge=0)
    experimental: Series[bool] = field(
        "Experimental", "True for ITU's experimental collection of a basket (not yet official)"
    )
    sample: Series[str] = field(
        "Sample",
        "Which economies a value is over. annual: economy values, and group medians over the "
        "economies priced that year (ITU: not for year-on-year comparison); last_N_years: "
        "ITU's constant-sample group medians over the economies priced in every year of the "
        "last N years (comparable over time). Filter on annual for the annual medians",
        str_matches=SAMPLE_PATTERN,
    )

    class Config:
        name = "broadband_price"
        unique = [
            "source",
            "vintage",
            "entity_id",
            "year",
            "basket",
            "allowance_gb",
            "unit",
            "statistic",
            "sample",
        ]
        strict = True
        coerce = True

    @pa.dataframe_check(error="economy values (statistic 'value') belong to the annual sample")
    @classmethod
    def values_are_annual(cls, frame: pd.DataFrame) -> pd.Series:
        return (frame["statistic"] != "value") | (frame["sample"] == ANNUAL_SAMPLE)


class Bandwidth(pa.DataFrameModel):
    """International bandwidth usage by group and region."""

    source: Series[str] = field("Source", "Publisher file family (itu_aggregates)")
    vintage: Series[str] = field("Edition", "Edition of the source, yyyy-mm")
    entity_id: Series[str] = field("Entity", "Group or region code (see entities)")
    year: Series[int] = field("Year", "Reference year", "year", ge=1990, le=2100)
    bandwidth_gbps: Series[float] = field(
        "International bandwidth", "International bandwidth usage", "Gbit/s", ge=0
    )
    per_user_kbps: Series[float] = field(
        "Bandwidth per Internet user",
        "International bandwidth per Internet user",
        "kbit/s",
        nullable=True,
        ge=0,
    )

    class Config:
        name = "bandwidth"
        unique = ["source", "vintage", "entity_id", "year"]
        strict = True
        coerce = True


class MobileBroadband(pa.DataFrameModel):
    """Active mobile-broadband subscriptions by group and region."""

    source: Series[str] = field("Source", "Publisher file family (itu_aggregates)")
    vintage: Series[str] = field("Edition", "Edition of the source, yyyy-mm")
    entity_id: Series[str] = field("Entity", "Group or region code (see entities)")
    year: Series[int] = field("Year", "Reference year", "year", ge=1990, le=2100)
    per_100: Series[float] = field(
        "Active mobile-broadband subscriptions",
        "Subscriptions per 100 inhabitants (more than 100 where people hold several)",
        "per 100 inhabitants",
        ge=0,
        le=1000,
    )
    subscriptions_millions: Series[float] = field(
        "Subscriptions", "Active mobile-broadband subscriptions", "millions", nullable=True, ge=0
    )
    estimate: Series[bool] = field(
        "Estimate", "True where the publisher marks the value as an estimate (ITU's 2019*)"
    )

    class Config:
        name = "mobile_broadband"
        unique = ["source", "vintage", "entity_id", "year"]
        strict = True
        coerce = True


class InternetUseByLocation(pa.DataFrameModel):
    """Individuals using the Internet in urban and rural areas, by group and by economy."""

    source: Series[str] = field(
        "Source", "Publisher file family (itu_aggregates, itu_gender_country)"
    )
    vintage: Series[str] = field("Edition", "Edition of the source, yyyy-mm")
    entity_id: Series[str] = field("Entity", "Economy or group code (see entities)")
    year: Series[int] = field(
        "Year", "Reference year (for an economy, its latest survey year)", "year", ge=1990, le=2100
    )
    location: Series[str] = field(
        "Location",
        "urban or rural; total: every area, where the publisher's urban/rural table prints it "
        "(ITU aggregates; an economy's overall rate is in internet_use)",
        isin=LOCATIONS,
    )
    sex: Series[str] = field(
        "Sex", "total; female or male where the publisher splits an area by sex", isin=SEXES
    )
    value_pct: Series[float] = field(
        "Individuals using the Internet",
        "Share of the population of the area (and sex) that used the Internet in the last three "
        "months",
        "% of population",
        ge=0,
        le=100,
    )
    estimate: Series[bool] = field(
        "Estimate", "True where the publisher marks the value as an estimate"
    )

    class Config:
        name = "internet_use_by_location"
        unique = ["source", "vintage", "entity_id", "year", "location", "sex"]
        strict = True
        coerce = True


class InternetUseByAge(pa.DataFrameModel):
    """Individuals using the Internet aged 15-24 and in the rest of the population, by group."""

    source: Series[str] = field("Source", "Publisher file family (itu_aggregates)")
    vintage: Series[str] = field("Edition", "Edition of the source, yyyy-mm")
    entity_id: Series[str] = field("Entity", "Group or region code (see entities)")
    year: Series[int] = field("Year", "Reference year", "year", ge=1990, le=2100)
    age: Series[str] = field(
        "Age",
        "youth: aged 15-24 (the UN definition ITU uses); rest: everyone else in the population; "
        "total: the whole population",
        isin=AGES,
    )
    value_pct: Series[float] = field(
        "Individuals using the Internet",
        "Share of the age group that used the Internet in the last three months",
        "% of the age group",
        ge=0,
        le=100,
    )
    estimate: Series[bool] = field(
        "Estimate", "True where the publisher marks the value as an estimate"
    )

    class Config:
        name = "internet_use_by_age"
        unique = ["source", "vintage", "entity_id", "year", "age"]
        strict = True
        coerce = True


class NetworkCoverage(pa.DataFrameModel):
    """Population covered by a mobile network, by technology and location, by group."""

    source: Series[str] = field("Source", "Publisher file family (itu_aggregates)")
    vintage: Series[str] = field("Edition", "Edition of the source, yyyy-mm")
    entity_id: Series[str] = field("Entity", "Group or region code (see entities)")
    year: Series[int] = field("Year", "Reference year", "year", ge=1990, le=2100)
    technology: Series[str] = field(
        "Technology",
        "mobile_cellular (any mobile-cellular signal, 2G or better), or at least 3g, lte "
        "(LTE/WiMAX) or 5g: each includes the population covered by the ones after it",
        isin=TECHNOLOGIES,
    )
    location: Series[str] = field("Location", "total, urban or rural", isin=LOCATIONS)
    coverage_pct: Series[float] = field(
        "Population covered",
        "Share of the population within reach of the network, whether or not they use it",
        "% of population",
        ge=0,
        le=100,
    )
    covered_millions: Series[float] = field(
        "People covered", "Population within reach of the network", "millions", nullable=True, ge=0
    )
    estimate: Series[bool] = field(
        "Estimate", "True where the publisher marks the value as an estimate (ITU's 2019*)"
    )

    class Config:
        name = "network_coverage"
        unique = ["source", "vintage", "entity_id", "year", "technology", "location"]
        strict = True
        coerce = True


class MobilePhoneOwnership(pa.DataFrameModel):
    """Individuals aged 10 or older owning a mobile phone, by group and sex."""

    source: Series[str] = field("Source", "Publisher file family (itu_aggregates)")
    vintage: Series[str] = field("Edition", "Edition of the source, yyyy-mm")
    entity_id: Series[str] = field("Entity", "Group or region code (see entities)")
    year: Series[int] = field("Year", "Reference year", "year", ge=1990, le=2100)
    sex: Series[str] = field("Sex", "total, female or male", isin=SEXES)
    value_pct: Series[float] = field(
        "Individuals owning a mobile phone",
        "Share of individuals aged 10 or older (of that sex) who own a mobile phone",
        "% of population aged 10+",
        ge=0,
        le=100,
    )
    owners_millions: Series[float] = field(
        "Owners",
        "Individuals aged 10 or older owning a mobile phone",
        "millions",
        nullable=True,
        ge=0,
    )
    estimate: Series[bool] = field(
        "Estimate", "True where the publisher marks the value as an estimate"
    )

    class Config:
        name = "mobile_phone_ownership"
        unique = ["source", "vintage", "entity_id", "year", "sex"]
        strict = True
        coerce = True


class Claims(pa.DataFrameModel):
    """Figures cited in reports, recomputed from the processed tables."""

    report: Series[str] = field("Report", "The report's symbol (A/75/62-E/2020/11, ...)")
    report_date: Series[str] = field(
        "Report date",
        "The report's date (yyyy-mm-dd; blank for a claims file that gives none): editions "
        "older than it are not what the report could draw on",
    )
    claim_id: Series[str] = field("Claim", "Claim and part id, e.g. 2b")
    statement: Series[str] = field("Statement", "The sentence as the report prints it")
    citation: Series[str] = field("Citation", "Report, symbol, date and paragraph")
    metric: Series[str] = field(
        "Metric",
        "How the figure is computed, by name (ratio, parity_score, cagr, count_meeting, ...)",
    )
    year: Series[int] = field("Year", "Reference year of the figure", "year", nullable=True)
    comparator: Series[str] = field(
        "Comparator",
        "'=' (equal within the rounding), '>', '<' or '>='",
        isin=["=", ">", "<", ">="],
    )
    reported_value: Series[float] = field("Reported value", "The figure as the report states it")
    tolerance: Series[float] = field(
        "Rounding", "Half a unit of the last digit the report prints", ge=0
    )
    recomputed_value: Series[float] = field(
        "Recomputed value", "The same figure recomputed from the processed tables", nullable=True
    )
    source: Series[str] = field("Source", "Source used for the recomputation")
    vintage: Series[str] = field("Edition", "Edition used ('' when none was available)")
    report_edition: Series[bool] = field(
        "Report's edition", "True for the edition the report drew on"
    )
    status: Series[str] = field(
        "Status",
        "confirmed within the stated rounding; within rounding when the inputs' own rounding "
        "straddles the claim; revised; or not computable",
        isin=STATUSES,
    )
    note: Series[str] = field("Note", "Reading of the claim, proxies used, why not computable")

    class Config:
        name = "claims"
        unique = ["report", "claim_id", "source", "vintage"]
        strict = True
        coerce = True


class Editions(pa.DataFrameModel):
    """Every edition of every source the build read: its file, provenance and citation."""

    source: Series[str] = field("Source", "Publisher format (wdi, itu_aggregates, m49, ...)")
    edition: Series[str] = field(
        "Edition", "Edition read from the file (yyyy-mm, or yyyy)", str_matches=r"^\d{4}(-\d{2})?$"
    )
    title: Series[str] = field("Title", "The edition's name as pickers and captions show it")
    citation: Series[str] = field("Citation", "How to cite this edition")
    licence: Series[str] = field("Licence", "The publisher's terms for this file")
    path: Series[str] = field("File", "Path under data/raw")
    sha256: Series[str] = field("SHA-256", "Hash of the bytes the build read", str_length=64)
    bytes: Series[int] = field("Size", "Size of the file", "bytes", ge=1)
    url: Series[str] = field("Retrieved from", "Where the file was fetched or added from")
    retrieved_at: Series[str] = field("Retrieved", "When it was fetched or added (UTC, ISO 8601)")
    tables: Series[str] = field("Tables", "Published tables the edition feeds, comma-separated")
    rows: Series[int] = field("Rows", "Rows the edition contributes", ge=0)
    first_year: Series[pd.Int64Dtype] = field(
        "First year", "Earliest year with data", nullable=True
    )
    last_year: Series[pd.Int64Dtype] = field("Last year", "Latest year with data", nullable=True)
    accepted_by: Series[str] = field(
        "Accepted by",
        "Who published the edition despite the release review's findings "
        "(`indicators build --accept`); empty when the review found nothing",
    )
    accepted_at: Series[str] = field("Accepted", "When it was accepted (UTC, ISO 8601)")
    accepted_reason: Series[str] = field("Reason", "Why it was accepted, in the person's words")
    accepted_findings: Series[str] = field(
        "Findings accepted", "The review's findings that were accepted, one per line"
    )

    class Config:
        name = "editions"
        unique = ["source", "edition"]
        strict = True
        coerce = True


def _models() -> dict[str, type[pa.DataFrameModel]]:
    """Every model declared in this module, by its table name, in the order declared: a table
    is published because its model is declared here (the build refuses a model no source feeds)."""
    return {
        str(model.Config.name): model
        for model in globals().values()
        if isinstance(model, type)
        and issubclass(model, pa.DataFrameModel)
        and model.__module__ == __name__
    }


MODELS: dict[str, type[pa.DataFrameModel]] = _models()


def columns(table: str) -> list[str]:
    """The columns of a published table, in the contract's order."""
    return list(MODELS[table].to_schema().columns)


def unique_key(table: str) -> list[str]:
    """The declared unique key of a published table."""
    return list(MODELS[table].Config.unique)  # type: ignore[arg-type]


def describe(table: str) -> pd.DataFrame:
    """Column, title, unit, type and description of a table, read from its model."""
    schema = MODELS[table].to_schema()
    rows = []
    for name, column in schema.columns.items():
        rows.append(
            {
                "column": name,
                "title": column.title or name,
                "unit": (column.metadata or {}).get("unit") or "",
                "dtype": str(column.dtype),
                "nullable": column.nullable,
                "description": column.description or "",
            }
        )
    return pd.DataFrame(rows)


def field_info(table: str, column: str) -> dict[str, str]:
    """Title, unit and description of one column, for captions and axis labels."""
    col = MODELS[table].to_schema().columns[column]
    return {
        "title": col.title or column,
        "unit": (col.metadata or {}).get("unit") or "",
        "description": col.description or "",
    }
