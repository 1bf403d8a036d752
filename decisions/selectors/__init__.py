"""Reads for casework, scoped to the competent authority the user works for, one module per subject:

- `case`: which cases a user sees (`cases_visible_to`), what is due next, and one case for its pages
  (`case_for`);
- `queue`: the work queue, and the cases and reviews on casework staff's home pages;
- `timeline`: a case's history, newest first;
- `letters`: served decisions as each reader may see them, their letters, and the letters to send;
- `quality`: the quality audits;
- `staff`: decision makers with their caseloads, and where a case can be transferred.
"""
