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
