# E: the month's name in the genitive, as a date needs it (5 березня 2025).
DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i e"
