// Small progressive enhancements. Every page works without this file.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copyTarget);
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(() => {
    button.textContent = "Copied";
  });
});

// The main menu is a <details> element so that it works without JavaScript. Browsers that do not
// support ::details-content hide a closed menu's links even on wide screens: open it there.
(() => {
  const menu = document.querySelector("[data-nav-menu]");
  if (!menu || CSS.supports("selector(::details-content)")) return;
  const wide = window.matchMedia("(min-width: 64rem)");
  const sync = () => { if (wide.matches) menu.open = true; };
  sync();
  wide.addEventListener("change", sync);
})();

// On a phone a table wider than the screen scrolls inside itself (site.css). A region that scrolls must
// take keyboard focus, so such a table gets tabindex="0" while it scrolls (unless a focusable region
// around it already scrolls), and loses it when the window grows wide enough.
(() => {
  const mark = () => {
    for (const table of document.querySelectorAll("main table")) {
      if (table.parentElement && table.parentElement.closest('[tabindex="0"]')) continue;
      const scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.tabIndex = 0;
        table.dataset.scrollFocus = "";
      } else if (!scrolls && "scrollFocus" in table.dataset) {
        table.removeAttribute("tabindex");
        delete table.dataset.scrollFocus;
      }
    }
  };
  mark();
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
