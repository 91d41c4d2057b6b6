// Draws a dashboard's charts (pilots, education partners) from the page's json_script data
// "chart-data". Each chart has a table with the same figures beneath it, so the page reads the same
// without this file or without sight. A spec: {id, type: "bar"|"line", labels, series, stacked,
// horizontal}. Counts are whole numbers, so the value axis never shows fractional ticks.
(() => {
  const source = document.getElementById("chart-data");
  if (!source || typeof window.Chart === "undefined") return;
  const colours = ["#1f5fa8", "#c05a00", "#2e7d32", "#7b1fa2", "#b00020", "#00838f"];
  for (const spec of JSON.parse(source.textContent)) {
    const canvas = document.getElementById(spec.id);
    if (!canvas || !spec.labels.length) continue;
    const horizontal = spec.type === "bar" && !!spec.horizontal;
    const value = { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } };
    const category = { stacked: !!spec.stacked };
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.series.map((s, i) => ({
          label: s.label, data: s.data, backgroundColor: colours[i % colours.length],
          borderColor: colours[i % colours.length],
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
        indexAxis: horizontal ? "y" : "x",
        scales: horizontal ? { x: value, y: category } : { x: category, y: value },
      },
    });
  }
})();
