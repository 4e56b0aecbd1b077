"""Commission payouts: from a plan file and the database to approved, exported payouts.

Start at ``service.py``: the one place the command line (``cli/payouts.py``) and the app
(``ui/payout_view.py``) call. Below it, each module does one thing and imports only those
listed before it (no circle):

- ``values.py``: the value types (a period, an agent, its facts, its payout) and money text;
- ``plan_book.py``: the plans as typed, frozen objects, and which plan an agent is paid by;
- ``plan_yaml.py`` and ``plan_file.py``: the plan file read exactly and checked, or refused
  with every problem; where plan files are found;
- ``plan_json.py``: a plan book as exact JSON (frozen with a preparation);
- ``rules.py``: the payout rules, pure functions (no SQL, no files);
- ``plan_words.py``: a plan in words;
- ``tables.py``: payouts and their audit trail as Arrow tables;
- ``facts.py``: what a computation reads from the database (queries/payouts/);
- ``run.py``: a period computed with its deficit chain and the adjustments booked into it,
  fingerprinted;
- ``close_rules.py``: the rules of closing the books (ended, in order, four eyes);
- ``approvals.py``: prepared and approved periods stored, read and reopened (persistence);
- ``report.py``: a period as shown: draft, or prepared/approved with the adjustment;
- ``statements.py`` and ``exports.py``: statements (HTML, PDF) and payroll files (CSV, XLSX);
- ``service.py``: the front ends' calls.

Nothing here imports the UI, the CLI or streamlit. The texts are Messages whose codes live in
``dashboard/messages_payout.py``.
"""
