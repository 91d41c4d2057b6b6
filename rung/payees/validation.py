"""Checking payout details in each country's own form, with well-kept libraries.

IBAN and BIC: schwifty (checksums, country lengths, the BIC registry). US routing numbers and tax
identifiers: python-stdnum. UK sort codes have no public checksum; their shape is checked here.
"""

import re
from dataclasses import dataclass
from typing import Any

from schwifty import BIC, IBAN, registry
from schwifty.exceptions import SchwiftyException
from stdnum import get_cc_module
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.us import rtn

from rung.lib.errors import DomainError


class PayoutDetailsError(DomainError):
    code = "invalid_payout_details"


class AccountForm:
    IBAN = "iban"
    UK = "uk"
    US = "us"


# Countries whose banks are reached by sort code or routing number; every other country by IBAN.
_DOMESTIC = {"GB": AccountForm.UK, "US": AccountForm.US}

# Names python-stdnum gives personal tax identifiers, tried in turn for the tax residence.
_TAX_MODULES = ("tin", "idnr", "nif", "utr", "ssn", "itin", "cf", "bsn", "pesel", "nir", "cpr", "pin", "dni", "vat")

_COUNTRY = re.compile(r"^[A-Z]{2}$")


def in_sepa_zone(country: str) -> bool:
    """Whether an IBAN account in this country is reached by a SEPA credit transfer."""
    try:
        return bool(registry.get_iban_spec(country.upper()).in_sepa_zone)
    except (KeyError, SchwiftyException):
        return False


def account_form_for(country: str) -> str:
    return _DOMESTIC.get(country, AccountForm.IBAN)


def _country(value: str, field: str, what: str) -> str:
    country = (value or "").strip().upper()
    if not _COUNTRY.match(country):
        raise PayoutDetailsError(f"Choose the {what} as a two-letter country code, such as DE or GB.", field=field)
    return country


def _required(values: dict[str, Any], field: str, label: str, max_length: int = 200) -> str:
    value = " ".join(str(values.get(field) or "").split())
    if not value:
        raise PayoutDetailsError(f"Enter the {label}.", field=field)
    if len(value) > max_length:
        raise PayoutDetailsError(f"The {label} can be at most {max_length} characters.", field=field)
    return value


def _digits(value: object) -> str:
    return re.sub(r"[\s-]", "", str(value or ""))


@dataclass(frozen=True)
class CleanDetails:
    country: str
    form: str
    tax_residence: str
    secret: dict[str, str]  # everything that is encrypted at rest
    masked: str  # the account as it may be shown, e.g. "DE89 •••• •••• 3000"
    tax_id_note: str = ""  # said to the person when the tax identifier's format could not be checked


def mask_iban(iban: str) -> str:
    compact = iban.replace(" ", "")
    return f"{compact[:4]} •••• •••• {compact[-4:]}"


def mask_tail(number: str) -> str:
    return f"•••• {number[-4:]}" if len(number) > 4 else "••••"


def _clean_iban(values: dict[str, Any], country: str) -> tuple[dict[str, str], str]:
    try:
        iban = IBAN(str(values.get("iban") or ""))
    except SchwiftyException as error:
        raise PayoutDetailsError(
            f"This IBAN is not valid ({error}). Copy it from your bank statement or banking app.", field="iban"
        ) from None
    if iban.country_code != country:
        raise PayoutDetailsError(
            f"This IBAN belongs to a bank in {iban.country_code}, but you chose {country} as the account's country.",
            field="iban",
        )
    raw_bic = str(values.get("bic") or "").strip()
    if raw_bic:
        try:
            bic = BIC(raw_bic)
        except SchwiftyException as error:
            raise PayoutDetailsError(f"This BIC is not valid ({error}).", field="bic") from None
        if bic.country_code != iban.country_code:
            raise PayoutDetailsError(
                f"This BIC is for a bank in {bic.country_code}, but the IBAN is for one in {iban.country_code}.",
                field="bic",
            )
        bank_bic = iban.bic
        if bank_bic is not None and str(bank_bic)[:8] != str(bic)[:8]:
            raise PayoutDetailsError(f"This BIC does not match the IBAN's bank (whose BIC is {bank_bic}).", field="bic")
    elif iban.bic is not None:
        bic = iban.bic
    else:
        raise PayoutDetailsError("Enter your bank's BIC (SWIFT code); it is on your bank statement.", field="bic")
    return {"iban": iban.compact, "bic": str(bic)}, mask_iban(iban.compact)


def _clean_uk(values: dict[str, Any]) -> tuple[dict[str, str], str]:
    sort_code = _digits(values.get("sort_code"))
    if not re.fullmatch(r"\d{6}", sort_code):
        raise PayoutDetailsError("A sort code is six digits, such as 12-34-56.", field="sort_code")
    number = _digits(values.get("account_number"))
    if not re.fullmatch(r"\d{8}", number):
        raise PayoutDetailsError("A UK account number is eight digits.", field="account_number")
    return {"sort_code": sort_code, "account_number": number}, f"{sort_code[:2]}-••-•• {mask_tail(number)}"


def _clean_us(values: dict[str, Any]) -> tuple[dict[str, str], str]:
    routing = _digits(values.get("routing_number"))
    try:
        routing = rtn.validate(routing)
    except StdnumError:
        raise PayoutDetailsError(
            "This routing number is not valid: it must be nine digits with a correct ABA checksum.",
            field="routing_number",
        ) from None
    number = _digits(values.get("account_number"))
    if not re.fullmatch(r"\d{4,17}", number):
        raise PayoutDetailsError("A US account number is 4 to 17 digits.", field="account_number")
    return {"routing_number": routing, "account_number": number}, f"Routing {routing} · {mask_tail(number)}"


def _clean_tax_id(raw: object, residence: str) -> tuple[str, str]:
    value = str(raw or "").strip()
    if not value:
        return "", ""
    modules = []
    for name in _TAX_MODULES:
        try:
            module = get_cc_module(residence.lower(), name)
        except ImportError:
            continue
        if module is not None:
            modules.append(module)
    if not modules:
        return value[:40], (
            f"Rung cannot check the format of tax identifiers from {residence}; it was saved as you typed it."
        )
    for module in modules:
        if module.is_valid(value):
            return module.compact(value), ""
    raise PayoutDetailsError(
        f"This is not a valid tax identifier for {residence}. Check it against your tax documents, "
        "or leave the field empty.",
        field="tax_id",
    )


def clean_payout_details(values: dict[str, Any]) -> CleanDetails:
    """Check everything a person typed; raise PayoutDetailsError naming the first field that is wrong."""
    country = _country(str(values.get("country") or ""), "country", "account's country")
    tax_residence = _country(str(values.get("tax_residence") or ""), "tax_residence", "country of tax residence")
    holder = _required(values, "account_holder", "account holder's name")
    legal_name = _required(values, "legal_name", "legal name")
    address = _required(values, "address", "postal address", 500)
    form = account_form_for(country)
    if form == AccountForm.UK:
        account, masked = _clean_uk(values)
    elif form == AccountForm.US:
        account, masked = _clean_us(values)
    else:
        account, masked = _clean_iban(values, country)
    tax_id, note = _clean_tax_id(values.get("tax_id"), tax_residence)
    secret = {"account_holder": holder, "legal_name": legal_name, "address": address, "tax_id": tax_id, **account}
    return CleanDetails(
        country=country, form=form, tax_residence=tax_residence, secret=secret, masked=masked, tax_id_note=note
    )
