"""Every reminder rule: what it is about, who hears, how far ahead, who it escalates to.

A rule's plan lists the reminders that the records' current state calls for and whose send time
falls inside the planning window. The dispatcher inserts them (the unique key makes a rerun a
no-op) and, just before sending, plans again for the same records: a reminder that is no longer
planned (the decision was served, the case reallocated or withdrawn) is cancelled instead.
The lead times and repeats are settings (NRM_REMINDER_* in nrm/settings_rules.py).

- `table`: the table of rules (`RULES`) and `plan`, which runs them;
- `planning`: the window, the planned reminder, and who holds which role where (`Audience`);
- `casework`, `first_responders`, `support`: the planning functions, by whom the reminders are for.
"""
