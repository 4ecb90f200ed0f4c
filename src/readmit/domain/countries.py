"""ISO 3166-1 alpha-2 country codes (officially assigned), for validating input."""

from __future__ import annotations

from readmit.domain.errors import UnknownCountry

_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""

COUNTRY_CODES: frozenset[str] = frozenset(_CODES.split())

COUNTRY_NAMES: dict[str, str] = {
    "BI": "Burundi",
    "ER": "Eritrea",
    "GH": "Ghana",
    "GM": "The Gambia",
    "GN": "Guinea",
    "GY": "Guyana",
    "KH": "Cambodia",
    "LA": "Laos",
    "MM": "Burma",
    "PK": "Pakistan",
    "SL": "Sierra Leone",
    "SS": "South Sudan",
    "US": "United States",
    "MX": "Mexico",
    "GT": "Guatemala",
    "HN": "Honduras",
    "SV": "El Salvador",
    "CO": "Colombia",
    "DO": "Dominican Republic",
    "EC": "Ecuador",
    "VN": "Vietnam",
    "CN": "China",
    "CU": "Cuba",
    "IN": "India",
    "ET": "Ethiopia",
    "BD": "Bangladesh",
    "IQ": "Iraq",
    "SN": "Senegal",
    "PH": "Philippines",
    "BR": "Brazil",
    "JM": "Jamaica",
    "NG": "Nigeria",
    "HT": "Haiti",
    "SO": "Somalia",
    "AO": "Angola",
    "NA": "Namibia",
    "CD": "Democratic Republic of the Congo",
    # The Schengen States, whose consulates decide under the Visa Code (a letter's letterhead).
    "AT": "Austria",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "CH": "Switzerland",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GR": "Greece",
    "HR": "Croatia",
    "HU": "Hungary",
    "IS": "Iceland",
    "IT": "Italy",
    "LI": "Liechtenstein",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "MT": "Malta",
    "NL": "Netherlands",
    "NO": "Norway",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SE": "Sweden",
    "SI": "Slovenia",
    "SK": "Slovakia",
}


def country_code(value: str) -> str:
    """Return ``value`` as a valid ISO 3166-1 alpha-2 code, or raise UnknownCountry."""
    code = value.strip().upper()
    if code not in COUNTRY_CODES:
        raise UnknownCountry(
            f"unknown country code {value!r}: use an ISO 3166-1 alpha-2 code such as KH or SL",
            value=value,
        )
    return code


def country_name(code: str) -> str:
    """Return a readable name for a code, or the code itself."""
    return COUNTRY_NAMES.get(code, code)
