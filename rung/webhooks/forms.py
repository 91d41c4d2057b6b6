from django import forms

from rung.webhooks.models import WEBHOOK_EVENTS


class EndpointForm(forms.Form):
    url = forms.CharField(label="Address (https://…)", max_length=500)
    description = forms.CharField(label="Description (optional)", max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label="Events", choices=list(WEBHOOK_EVENTS.items()), widget=forms.CheckboxSelectMultiple
    )
