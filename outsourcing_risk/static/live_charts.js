// The view of outsourcing_risk.live_charts.LiveCharts: plotly charts drawn from the widget's
// "figures" (plotly JSON). When the kernel sends new figures, only the newest are drawn, once per
// animation frame, with Plotly.react (which redraws what changed). plotly.js is the copy the Python
// package ships; it is prepended to this module and sets window.Plotly.

function render({ model, el }) {
  const Plotly = globalThis.Plotly;
  const divs = [];
  let frame = 0;
  el.classList.add("or-live-charts");

  const draw = () => {
    frame = 0;
    const started = performance.now();
    model.get("figures").forEach((figure, i) => {
      const fresh = !divs[i];
      if (fresh) {
        divs[i] = document.createElement("div");
        divs[i].className = "or-live-chart";
        // Plotly measures text as it draws; containment keeps those measurements to the chart
        // instead of laying out the whole page each time.
        divs[i].style.contain = "content";
        el.appendChild(divs[i]);
      }
      // The config is set once: given again, plotly would copy and compare it on every redraw.
      Plotly.react(divs[i], figure.data, figure.layout, fresh ? figure.config || {} : undefined);
    });
    el.dataset.drawMs = String(performance.now() - started); // how long plotly took: for benchmarks
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(draw);
  };
  // The container's width can change (a side panel opens): charts follow it.
  const resize = new ResizeObserver(() => {
    for (const div of divs) {
      if (div._fullLayout && div.offsetParent !== null) Plotly.Plots.resize(div).catch(() => {});
    }
  });

  model.on("change:figures", schedule);
  resize.observe(el);
  schedule();
  return () => {
    cancelAnimationFrame(frame);
    resize.disconnect();
    model.off("change:figures", schedule);
    divs.forEach((div) => Plotly.purge(div));
  };
}

export default { render };
