/**
 * /assets/weekly-chart.js: draws each `<figure class="weekly-chart">` of a page with uPlot (vendored,
 * loaded before it) — the weekly rate as a line, its Wilson interval as a shaded band, a week without
 * sessions as a gap — from the JSON island inside the figure (the table beside it has the same
 * figures). Without JavaScript the table still says everything.
 */
export const WEEKLY_CHART_URL = '/assets/weekly-chart.js';

export const WEEKLY_CHART_SCRIPT = `'use strict';
(function () {
  var pct = function (u, v) { return v.map(function (x) { return (x * 100).toFixed(0) + ' %'; }); };
  document.querySelectorAll('figure.weekly-chart').forEach(function (fig) {
    var island = fig.querySelector('script[type="application/json"]');
    if (!island || typeof uPlot === 'undefined') return;
    var weeks = JSON.parse(island.textContent);
    var val = function (k) { return weeks.map(function (w) { return w.n > 0 ? w[k] : null; }); };
    var data = [weeks.map(function (w) { return Date.parse(w.from) / 1000; }), val('rate'), val('lo'), val('hi')];
    var plot = new uPlot({
      width: Math.min(720, fig.clientWidth || 720),
      height: 220,
      scales: { y: { range: [0, 1] } },
      axes: [{}, { values: pct }],
      series: [
        { label: 'week' },
        { label: 'rate', stroke: '#b00020', width: 2, value: function (u, v) { return v == null ? '—' : (v * 100).toFixed(1) + ' %'; } },
        { label: '95 % low', stroke: 'rgba(176,0,32,.35)', width: 1 },
        { label: '95 % high', stroke: 'rgba(176,0,32,.35)', width: 1 },
      ],
      bands: [{ series: [3, 2], fill: 'rgba(176,0,32,.12)' }],
    }, data, fig.querySelector('.chart'));
    fig.dataset.drawn = String(plot.data[0].length);
  });
})();
`;
