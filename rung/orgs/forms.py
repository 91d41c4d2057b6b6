from django import forms

from rung.orgs.models import OrgKind, Role, Verification


class OrganisationForm(forms.Form):
    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=OrgKind.choices, widget=forms.RadioSelect, label="Kind of organisation")
    email_domain = forms.CharField(
        max_length=120,
        label="E-mail domain",
        help_text="The domain your staff use, e.g. acme.com. Staff check it before verifying you.",
    )
    website = forms.URLField(required=False, assume_scheme="https")
    description = forms.CharField(
        required=False,
        max_length=3000,
        widget=forms.Textarea,
        help_text="What you do, in a few sentences candidates will read.",
    )


class OrganisationEditForm(forms.Form):
    name = forms.CharField(max_length=120)
    website = forms.URLField(required=False, assume_scheme="https")
    description = forms.CharField(required=False, max_length=3000, widget=forms.Textarea)


class InviteForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(
        choices=Role.choices,
        initial=Role.REVIEWER,
        help_text="Owners manage everything; managers post projects and manage members; "
        "reviewers score work; mentors guide interns; viewers only look.",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class VerificationForm(forms.Form):
    status = forms.ChoiceField(choices=Verification.choices)
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you do not verify: the owners see it.",
    )


class StaffOrgFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=120, label="Name, domain or website")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *OrgKind.choices], label="Kind")
    verification = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Verification.choices], label="Verification"
    )
