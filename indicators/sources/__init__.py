"""The publishers' files the pipeline reads, where each comes from, and how to cite it.

Each source module follows one shape: ``extract(path)`` reads a file without cleaning it, and
``transform(raw, ...)`` is pure and returns a tidy frame shaped like one of the processed tables.
"""

from __future__ import annotations

from dataclasses import dataclass

WDI_CITATION = (
    "World Bank, World Development Indicators: Individuals using the Internet (% of population), "
    "IT.NET.USER.ZS; data from ITU World Telecommunication/ICT Indicators Database"
)
WDI_LICENCE = "CC BY 4.0 (World Bank open data terms)"
ITU_LICENCE = (
    "ITU terms of use; cite ITU as the source. Check ITU's terms before redistributing "
    "the price baskets (often cited as CC BY-NC-SA 3.0 IGO)."
)
UN_LICENCE = "UN terms of use (UNSD M49 standard)"


@dataclass(frozen=True)
class RawFile:
    """One edition of one publisher file, as it sits in a mirror folder and in ``data/raw``."""

    key: str
    source: str
    vintage: str
    path: str  # relative to data/raw and to a mirror folder
    url: str
    citation: str
    licence: str
    title: str


RAW_FILES: tuple[RawFile, ...] = (
    RawFile(
        key="wdi_internet_2026_07",
        source="wdi",
        vintage="2026-07",
        path="worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv",
        url="https://api.worldbank.org/v2/en/indicator/IT.NET.USER.ZS?downloadformat=csv",
        citation=WDI_CITATION + " (last updated 13 Jul 2026)",
        licence=WDI_LICENCE,
        title="WDI Internet use, Jul 2026",
    ),
    RawFile(
        key="wdi_internet_2026_02",
        source="wdi",
        vintage="2026-02",
        path="worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv",
        url=(
            "https://raw.githubusercontent.com/itzmaniss/Singapore-Internet-History/"
            "0bb4bcff19a8a4ed4084dc32ecf79c4f69a982da/data/WorldData/"
            "API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"
        ),
        citation=WDI_CITATION + " (downloaded Feb 2026)",
        licence=WDI_LICENCE,
        title="WDI Internet use, Feb 2026",
    ),
    RawFile(
        key="wdi_country_metadata",
        source="wdi",
        vintage="2026-02",
        path="worldbank/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv",
        url=(
            "https://raw.githubusercontent.com/itzmaniss/Singapore-Internet-History/"
            "0bb4bcff19a8a4ed4084dc32ecf79c4f69a982da/data/WorldData/"
            "Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"
        ),
        citation="World Bank, World Development Indicators: country classifications",
        licence=WDI_LICENCE,
        title="WDI country metadata (region, income group)",
    ),
    RawFile(
        key="itu_aggregates_2019_10",
        source="itu_aggregates",
        vintage="2019-10",
        path="itu/ITU_Key_2005-2019_ICT_data_with_LDCs_28Oct2019_Final.xls",
        url=(
            "https://www.itu.int/en/ITU-D/Statistics/Documents/statistics/2019/"
            "ITU_Key_2005-2019_ICT_data_with%20LDCs_28Oct2019_Final.xls"
        ),
        citation="ITU, Key ICT indicators for developed and developing countries, "
        "the world and special regions (totals and penetration rates), 28 October 2019",
        licence=ITU_LICENCE,
        title="ITU key ICT indicators, Oct 2019",
    ),
    RawFile(
        key="itu_aggregates_2024_11",
        source="itu_aggregates",
        vintage="2024-11",
        path="itu/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx",
        url=(
            "https://www.itu.int/en/ITU-D/Statistics/Documents/facts/"
            "ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
        ),
        citation="ITU, World Telecommunication/ICT Indicators database, regional and global "
        "key ICT indicator aggregates, November 2024 (Facts and Figures 2024)",
        licence=ITU_LICENCE,
        title="ITU key ICT indicator aggregates, Nov 2024",
    ),
    RawFile(
        key="itu_gender_2019_12",
        source="itu_gender_country",
        vintage="2019-12",
        path="itu/ITU_Individuals_using_Internet_by_gender_urban_rural_Dec2019.xls",
        url=(
            "https://www.itu.int/en/ITU-D/Statistics/Documents/statistics/2019/"
            "Individuals_Internet_by_gender_urban_rural_Dec2019.xls"
        ),
        citation="ITU, Individuals using the Internet by gender and urban/rural location, "
        "World Telecommunication/ICT Indicators database, December 2019",
        licence=ITU_LICENCE,
        title="ITU Internet use by sex, economies, Dec 2019",
    ),
    RawFile(
        key="itu_prices_2025_12",
        source="itu_prices",
        vintage="2025-12",
        path="itu/ITU_ICTPriceBaskets_2008-2025.xlsx",
        url=(
            "https://www.itu.int/en/ITU-D/Statistics/Documents/ICT_Prices/"
            "ITU_ICTPriceBaskets_2008-2025.xlsx"
        ),
        citation="ITU ICT Price Baskets, historical data series, Dec 2025 release",
        licence=ITU_LICENCE,
        title="ITU ICT Price Baskets 2008-2025",
    ),
    RawFile(
        key="m49_2021",
        source="m49",
        vintage="2021",
        path="un/UNSD_M49_overview_2021.csv",
        url=(
            "https://raw.githubusercontent.com/seagetch/covid19_notebooks/"
            "53ea4145bfeba2fde4598b66a4cae9b109220a78/data/UNSD%20%E2%80%94%20Methodology.csv"
        ),
        citation="United Nations Statistics Division, Standard country or area codes for "
        "statistical use (M49), 2021 edition with the developed/developing distinction",
        licence=UN_LICENCE,
        title="UN M49 overview, 2021",
    ),
    RawFile(
        key="m49_2026",
        source="m49",
        vintage="2026-07",
        path="un/UNSD_M49_overview_2026.csv",
        url="https://unstats.un.org/unsd/methodology/m49/overview/",
        citation="United Nations Statistics Division, Standard country or area codes for "
        "statistical use (M49), retrieved July 2026",
        licence=UN_LICENCE,
        title="UN M49 overview, 2026",
    ),
)

BY_KEY = {f.key: f for f in RAW_FILES}
