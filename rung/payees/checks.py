from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register


@register(deploy=True)
def payout_details_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if str(getattr(settings, "PAYOUT_DETAILS_KEY", "")).strip():
        return []
    return [
        Error(
            "PAYOUT_DETAILS_KEY (or PAYOUT_DETAILS_KEY_FILE) is not set: it encrypts interns' payout details.",
            hint=(
                "Make one with: python -c "
                '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
            ),
            id="payees.E001",
        )
    ]
