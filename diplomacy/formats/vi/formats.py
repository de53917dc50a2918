# Vietnamese dates: 26 tháng 2 năm 2024, tháng 8 năm 2023. Letters that are format codes
# (t, h, n, g, m) are escaped.
DATE_FORMAT = r"j \t\há\n\g n \nă\m Y"
YEAR_MONTH_FORMAT = r"\t\há\n\g n \nă\m Y"
MONTH_DAY_FORMAT = r"j \t\há\n\g n"
