// Draws the pilot dashboard's charts from the json_script data. Each chart has a table with the
// same figures beneath it, so the page reads the same without this file or without sight.
(() => {
  const source = document.getElementById("pilot-charts");
  if (!source || typeof window.Chart === "undefined") return;
  const colours = ["#1f5fa8", "#c05a00", "#2e7d32", "#7b1fa2", "#b00020", "#00838f"];
  for (const spec of JSON.parse(source.textContent)) {
    const canvas = document.getElementById(spec.id);
    if (!canvas || !spec.labels.length) continue;
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
        indexAxis: spec.type === "bar" && spec.id === "chart-funnel" ? "y" : "x",
        scales: { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked, beginAtZero: true } },
      },
    });
  }
})();
