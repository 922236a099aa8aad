"""Country names as registries write them, for telling an address line from a facility name."""

from __future__ import annotations

COUNTRIES = frozenset(
    """Afghanistan|Albania|Algeria|American Samoa|Andorra|Angola|Anguilla|Antigua and Barbuda|Argentina|Armenia|
Aruba|Australia|Austria|Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bermuda|Bhutan|
Bolivia|Bosnia and Herzegovina|Botswana|Brazil|Brunei Darussalam|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|
Cameroon|Canada|Cape Verde|Cabo Verde|Cayman Islands|Central African Republic|Chad|Chile|China|Colombia|Comoros|
Congo|Congo, The Democratic Republic of the|Democratic Republic of the Congo|Cook Islands|Costa Rica|Cote D'Ivoire|
Côte d'Ivoire|Ivory Coast|Croatia|Cuba|Curaçao|Cyprus|Czechia|Czech Republic|Denmark|Djibouti|Dominica|
Dominican Republic|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Swaziland|Ethiopia|
Faroe Islands|Fiji|Finland|France|French Guiana|French Polynesia|Gabon|Gambia|Georgia|Germany|Ghana|Gibraltar|Greece|
Greenland|Grenada|Guadeloupe|Guam|Guatemala|Guernsey|Guinea|Guinea-Bissau|Guyana|Haiti|Holy See (Vatican City State)|
Honduras|Hong Kong|Hungary|Iceland|India|Indonesia|Iran|Iran, Islamic Republic of|Iraq|Ireland|Isle of Man|Israel|
Italy|Jamaica|Japan|Jersey|Jordan|Kazakhstan|Kenya|Kiribati|Korea, Republic of|Korea, Democratic People's Republic of|
South Korea|North Korea|Republic of Korea|Kosovo|Kuwait|Kyrgyzstan|Lao People's Democratic Republic|Laos|Latvia|
Lebanon|Lesotho|Liberia|Libya|Libyan Arab Jamahiriya|Liechtenstein|Lithuania|Luxembourg|Macao|Macau|Macedonia|
Macedonia, The Former Yugoslav Republic of|North Macedonia|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|
Marshall Islands|Martinique|Mauritania|Mauritius|Mayotte|Mexico|Micronesia, Federated States of|Moldova|
Moldova, Republic of|Republic of Moldova|Monaco|Mongolia|Montenegro|Montserrat|Morocco|Mozambique|Myanmar|Namibia|
Nauru|Nepal|Netherlands|Netherlands Antilles|New Caledonia|New Zealand|Nicaragua|Niger|Nigeria|Norway|Oman|Pakistan|
Palau|Palestine|Palestinian Territory, Occupied|Palestinian Territories|Panama|Papua New Guinea|Paraguay|Peru|
Philippines|Poland|Portugal|Puerto Rico|Qatar|Réunion|Reunion|Romania|Russian Federation|Russia|Rwanda|
Saint Kitts and Nevis|Saint Lucia|Saint Vincent and the Grenadines|Samoa|San Marino|Sao Tome and Principe|
Saudi Arabia|Senegal|Serbia|Serbia and Montenegro|Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|
Solomon Islands|Somalia|South Africa|South Sudan|Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|
Syrian Arab Republic|Syria|Taiwan|Tajikistan|Tanzania|Tanzania, United Republic of|Thailand|Timor-Leste|Togo|Tonga|
Trinidad and Tobago|Tunisia|Turkey|Türkiye|Turkmenistan|Turks and Caicos Islands|Tuvalu|Uganda|Ukraine|
United Arab Emirates|United Kingdom|UK|United States|USA|U.S.|Uruguay|Uzbekistan|Vanuatu|Venezuela|Vietnam|Viet Nam|
Virgin Islands (U.S.)|Virgin Islands, British|Yemen|Zambia|Zimbabwe""".replace("\n", "").split("|")
)
_LOWER = {name.lower(): name for name in COUNTRIES}


def country(name: str | None) -> str | None:
    """The canonical spelling when `name` is a country, else None."""
    if not name:
        return None
    return _LOWER.get(name.strip().lower())
