// The skills picker: type to hide the skills that do not match. Without this file every skill is
// shown, grouped by category, and the form works just the same.
(() => {
  const normalise = (text) => text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim();

  function enhance(picker) {
    const row = picker.querySelector("[data-skill-filter-row]");
    const input = picker.querySelector("[data-skill-filter]");
    const status = picker.querySelector("[data-skill-filter-status]");
    if (!row || !input) return;
    row.hidden = false;
    const items = [...picker.querySelectorAll("li[data-skill-name]")];
    const groups = [...picker.querySelectorAll("[data-skill-group]")];

    const apply = () => {
      const words = normalise(input.value).split(/\s+/).filter(Boolean);
      let shown = 0;
      for (const item of items) {
        const name = normalise(item.dataset.skillName);
        const ticked = item.querySelector("input").checked;
        const match = ticked || words.every((w) => name.includes(w));
        item.hidden = !match;
        if (match) shown += 1;
      }
      for (const group of groups) {
        group.hidden = !group.querySelector("li:not([hidden])");
      }
      if (status) status.textContent = words.length ? `${shown} of ${items.length} skills shown` : "";
    };

    input.addEventListener("input", apply);
    // Enter in the filter box must not submit the whole form; change events must not trigger it either.
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
    input.addEventListener("change", (event) => event.stopPropagation());
  }

  const start = () => document.querySelectorAll("[data-skill-picker]").forEach(enhance);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
