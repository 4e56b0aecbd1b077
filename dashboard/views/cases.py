"""Cases: one account's whole story (found by its id, or a masked id as a table shows it), the
repayment plans (kept rate by installment, the broken-plan worklist, relief granted), and the
accounts escalated to legal action, as of the sidebar's snapshot (``ui/case_view.py``).

The account searched for is a page-level choice kept in the URL (``case_account``), so a link
opens one account's history."""

from dashboard.ui import case_view, page

f = page.begin("cases")
with page.guard():
    case_view.account_history()
    case_view.plans(f)
    case_view.legal(f)
