from django.urls import path

from rung.ledger import views

app_name = "ledger"

urlpatterns = [
    path("earnings/", views.earnings, name="earnings"),
    path("earnings/statement.csv", views.statement_csv, name="statement_csv"),
    path("earnings/statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("earnings/yearly/", views.yearly_statement, name="yearly"),
    path("earnings/yearly/<int:year>.csv", views.yearly_statement_csv, name="yearly_csv"),
    path("earnings/yearly/<int:year>.pdf", views.yearly_statement_pdf, name="yearly_pdf"),
    path("org/<slug:slug>/", views.org_money, name="org"),
    path("org/<slug:slug>/deposits/<uuid:deposit_uuid>/receipt/", views.receipt, name="receipt"),
    path("org/<slug:slug>/deposits/<uuid:deposit_uuid>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("org/<slug:slug>/deposits/<uuid:deposit_uuid>/cancel/", views.cancel_deposit, name="cancel_deposit"),
    path("staff/", views.staff_overview, name="staff"),
    path("staff/deposits/", views.staff_deposits, name="staff_deposits"),
    path("staff/deposits/<uuid:deposit_uuid>/confirm/", views.staff_confirm_deposit, name="staff_confirm_deposit"),
    path("staff/deposits/<uuid:deposit_uuid>/cancel/", views.staff_cancel_deposit, name="staff_cancel_deposit"),
    path("staff/payouts/", views.staff_payouts, name="staff_payouts"),
    path("staff/payouts/export/", views.staff_export_batch, name="staff_export_batch"),
    path("staff/payouts/batches/<str:reference>.csv", views.staff_batch_csv, name="staff_batch_csv"),
    path("staff/payouts/<uuid:payout_uuid>/settle/", views.staff_settle_payout, name="staff_settle_payout"),
    path("staff/payouts/<uuid:payout_uuid>/fail/", views.staff_fail_payout, name="staff_fail_payout"),
    path("staff/payouts/<uuid:payout_uuid>/delay/", views.staff_payout_delay, name="staff_payout_delay"),
]
