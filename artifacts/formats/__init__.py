"""The archive's date formats per interface language (FORMAT_MODULE_PATH): a day is written
as each language writes it in running text — 5 March 2025, 5 березня 2025, 2025년 3월 5일 —
wherever pages use DATE_FORMAT and DATETIME_FORMAT. Django's defaults differ (March 5,
2025; 05 березня 2025 р.)."""
