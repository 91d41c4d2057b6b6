"""Helpers shared by the browser tests: accessibility checks (and axe-core), reflow, logging in, e-mails."""

import re
from pathlib import Path

from django.core.mail import EmailMessage
from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery staple"

# Every visible form control and whether it has a non-empty label (for= or wrapping).
_UNLABELLED_CONTROLS_JS = """
() => {
  const skip = new Set(["hidden", "submit", "button", "reset", "image"]);
  const problems = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (skip.has(el.type)) continue;
    if (!el.getClientRects().length) continue;  // not rendered
    const labels = [...(el.labels || [])].filter((l) => l.textContent.trim());
    const aria = (el.getAttribute("aria-label") || "").trim() || el.getAttribute("aria-labelledby");
    if (!labels.length && !aria) problems.push(el.outerHTML);
  }
  return problems;
}
"""

# Labels whose for= names no element: they label nothing, for a screen reader or a click.
_ORPHAN_LABELS_JS = """
() => [...document.querySelectorAll("label[for]")]
  .filter((l) => !document.getElementById(l.htmlFor))
  .map((l) => l.outerHTML)
"""


def unlabelled_controls(page: Page) -> list[str]:
    return page.evaluate(_UNLABELLED_CONTROLS_JS)


def orphan_labels(page: Page) -> list[str]:
    return page.evaluate(_ORPHAN_LABELS_JS)


def check_page_structure(page: Page) -> None:
    """Exactly one h1, and every visible form control has an accessible label."""
    expect(page.locator("h1")).to_have_count(1)
    assert unlabelled_controls(page) == [], f"Unlabelled form controls on {page.url}"


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    check_page_structure(page)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()


def link_in(message: EmailMessage) -> str:
    match = re.search(r"https?://\S+", str(message.body))
    assert match, f"No link in the e-mail {message.subject!r}:\n{message.body}"
    return match.group(0)


def screenshot(page: Page, directory: Path, name: str) -> Path:
    path = directory / name
    page.screenshot(path=str(path), full_page=True)
    return path


# axe-core from the npm registry (package.json), injected from node_modules: never a CDN.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}


def axe_violations(page: Page, *, impacts: set[str] = SERIOUS) -> list[str]:
    """Run axe-core on the page and return its violations of the given impacts, one line each.

    The page's context must be opened with bypass_csp=True: Rung's strict CSP (rightly) refuses
    the inline script Playwright adds."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ["violations"]});
          return r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
        }"""
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['nodes'])}" for v in result if v["impact"] in impacts
    ]


# Elements whose right edge passes the viewport, for a readable failure message.
_OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= width + 1) continue;
    const classes = el.className ? "." + String(el.className).split(" ").join(".") : "";
    wide.push(`${el.tagName.toLowerCase()}${classes} (${Math.round(r.right)} px)`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 8)};
}
"""


def overflow(page: Page, width: int = 375) -> list[str]:
    """Empty when the page reflows at `width` (WCAG 1.4.10): nothing makes it scroll sideways."""
    found = page.evaluate(_OVERFLOW_JS)
    if found["scrollWidth"] <= width:
        return []
    return [f"scrollWidth {found['scrollWidth']} > {width}", *found["wide"]]
