"""Every change to a case, one module per subject:

- `case`: the case file, allocation, transfer, withdrawal, closure, notes and declarations of involvement;
- `decision`: drafting a decision, its second review, and serving it;
- `reconsideration`: asking for a negative decision to be reconsidered;
- `letters`: recording that a decision letter was sent;
- `quality`: the quarterly quality audit sample and its findings.

Each service locks the case row, checks the workflow table and the actor's rights, raises only
core.errors classes, and lets the database triggers write the history.
"""
