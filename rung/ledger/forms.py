"""Forms for staff actions on deposits and payouts. They only read input; the services decide."""

from django import forms

from rung.ledger.models import DelayCause


class ConfirmDepositForm(forms.Form):
    reference = forms.CharField(max_length=40, label="Reference on the transfer")
    amount = forms.CharField(max_length=30, label="Amount received")
    bank_reference = forms.CharField(max_length=200, required=False, label="Bank's transaction reference")


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=500, required=False)


class SettlePayoutForm(forms.Form):
    reference = forms.CharField(max_length=200, required=False, label="Bank reference")


class FailPayoutForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why it failed")


class DelayForm(forms.Form):
    cause = forms.ChoiceField(choices=DelayCause.choices, label="Who caused the delay")
    note = forms.CharField(max_length=500, required=False)
