"""Small helpers shared by tests."""

import re


def link_in(text: str, *, strip_host: str | None = None) -> str:
    """The first web address in `text` (an e-mail body), optionally made relative to `strip_host`."""
    match = re.search(r"https?://\S+", text)
    assert match is not None, f"no link in: {text!r}"
    link = match.group(0)
    return link.replace(strip_host, "") if strip_host else link
