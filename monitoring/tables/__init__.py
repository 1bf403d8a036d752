"""The tables of the monitoring report (monitoring/report.py puts them together): base.py holds what they
share; referrals.py, decisions.py and victim_care.py build the tables of each part of the service."""
