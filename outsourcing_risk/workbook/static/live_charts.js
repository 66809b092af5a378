// The view of outsourcing_risk.live_charts.LiveCharts: plotly charts drawn from the widget's
// "figures" (plotly JSON). New figures are drawn as they arrive, with Plotly.react (which redraws
// what changed); figures that arrive again before the next animation frame are drawn once, at
// that frame, the newest only. plotly.js is the copy the Python package ships, in the widget's
// "_plotly_js": run once per page as a script (which sets window.Plotly) when the page has none.
// It is not part of this module: anywidget allows a module two seconds to load.

function plotly(model) {
  if (!globalThis.Plotly) {
    const script = document.createElement("script");
    script.textContent = model.get("_plotly_js");
    document.head.appendChild(script); // an inline script runs as it is added
    script.remove();
  }
  return globalThis.Plotly;
}

function render({ model, el }) {
  const Plotly = plotly(model);
  const divs = [];
  let frame = 0; // an animation frame is pending: a draw happened, or one waits, since the last
  let waiting = false; // figures to draw at that frame
  el.classList.add("or-live-charts");

  const draw = () => {
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
  const nextFrame = () => {
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (waiting) {
        waiting = false;
        draw();
        nextFrame();
      }
    });
  };
  // At once, not at the next frame: a key press is answered up to a frame sooner (the page is
  // painted right after the draw). The first draw waits for a frame: the view is not on the
  // page yet when it is made.
  const schedule = () => {
    if (frame || !el.isConnected) {
      waiting = true;
      if (!frame) nextFrame();
      return;
    }
    draw();
    nextFrame();
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
