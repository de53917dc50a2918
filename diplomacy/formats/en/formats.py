# Day first, month in full, as news reports write it: 26 February 2024.
DATE_FORMAT = "j F Y"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
