"""Synthetic national-scale data for the benchmarks; bench/generate_national_data.py runs it.

- shares.py: the published shares (who is referred, by whom) read from data/.
- cast.py: the organisations and users the rows point at.
- clock.py: moments and days, and their text as COPY reads it.
- rows.py: which model fields each table's lines hold, and one chunk of lines.
- generator.py: draws the referrals and everything that happened to them, as lines.
- loader.py: writes the lines with COPY into the models' tables (generate_national_data).
- checks.py: checks every link and state afterwards (check_database).
"""
