/**
 * /assets/charts.js: draws every `<figure data-chart>` of a page with uPlot (vendor-assets.ts), from
 * the JSON the figure holds (chart-html.ts): the rows' fields as lines or bars, a shaded band between
 * two fields, vertical marker lines and horizontal level lines with their labels, axes in the data's
 * unit (share, dollars, counts), dates in UTC, and a legend that shows the values under the cursor.
 * Browser JavaScript kept as text, like review-script.ts (the project's TypeScript has no DOM types);
 * the browser test (test/e2e/charts.test.ts) is what checks it. ≈2 KB gzipped, no other library.
 */
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

export const CHART_SCRIPT_URL = '/assets/charts.js';

export const CHART_SCRIPT = String.raw`(() => {
  const DAY = 86400;
  const get = (o, path) => path.split('.').reduce((v, k) => (v == null ? v : v[k]), o);
  const secs = (v) => (typeof v === 'number' ? v : Date.parse(v) / 1000);
  const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
  // Per unit: how an axis tick prints, and how a value in the legend prints (as the tables print it).
  const units = {
    share: [(v) => (v * 100).toFixed(v !== 0 && Math.abs(v) < 0.1 ? 1 : 0) + ' %', (v) => (v * 100).toFixed(1) + ' %'],
    usd: [(v) => '$' + (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2)), (v) => '$' + v.toFixed(2)],
    count: [(v) => compact.format(v), (v) => v.toLocaleString('en')],
  };
  const day = uPlot.fmtDate('{YYYY}-{MM}-{DD}');
  const font = '12px system-ui, sans-serif';

  const rowsOf = (data, spec) =>
    spec.rows === 'query'
      ? data.rows.map((r) => Object.fromEntries(data.columns.map((c, i) => [c, r[i]])))
      : get(data, spec.rows);
  const num = (v) => (v == null ? null : Number(v));

  /** Ticks on whole days (or on Mondays), every k-th so that they stand 56 px apart or more. */
  const splits = (weeks) => (u, ax, min, max) => {
    const unit = weeks ? 7 * DAY : DAY;
    const first = weeks ? Math.ceil((min - 4 * DAY) / unit) * unit + 4 * DAY : Math.ceil(min / unit) * unit;
    let k = 1;
    while (((k * unit) / (max - min)) * u.bbox.width / uPlot.pxRatio < 56) k *= 2;
    const out = [];
    for (let t = first; t <= max; t += k * unit) out.push(t);
    return out;
  };

  function draw(fig) {
    const { chart: spec, data } = JSON.parse(fig.querySelector('script[type="application/json"]').textContent);
    const [tick, fmt] = units[spec.y.unit];
    const markers = (spec.markers || []).map((m) => ({ x: secs(get(data, m.at)), label: m.label, split: m.split }));
    const rows = rowsOf(data, spec).slice();
    // A gap row at a splitting marker, so lines and the band break there.
    for (const m of markers.filter((m) => m.split)) {
      const i = rows.findIndex((r) => secs(r[spec.x]) >= m.x);
      if (i > 0) rows.splice(i, 0, { [spec.x]: m.x, gap: true });
    }
    const val = (r, f) => (r.gap ? null : num(r[f]));
    const cols = [rows.map((r) => secs(r[spec.x]))];
    const series = [{
      label: spec.xLabel || 'day',
      value: (u, v, si, i) => (i == null || rows[i].gap ? '—' : spec.xLabel ? String(rows[i][spec.xLabel]) : day(new Date(v * 1000))),
    }];
    const value = (u, v) => (v == null ? '—' : fmt(v));
    const log = spec.y.log;
    for (const s of spec.series) {
      cols.push(rows.map((r) => {
        const v = !s.when || r[s.when[0]] === s.when[1] ? val(r, s.field) : null;
        return log && v !== null && v <= 0 ? null : v;
      }));
      series.push(s.bars
        ? { label: s.label, stroke: s.color, fill: s.color, width: 0, value, paths: uPlot.paths.bars({ size: [0.7, 48] }), points: { show: false } }
        : { label: s.label, stroke: s.color, width: 2, value, points: { show: true, size: 7, fill: s.color } });
    }
    const bands = [];
    if (spec.band) {
      const b = spec.band;
      const edge = { stroke: b.color, width: 1, dash: [3, 3], value, points: { show: false } };
      cols.push(rows.map((r) => val(r, b.hi)), rows.map((r) => val(r, b.lo)));
      series.push({ ...edge, label: b.label + ' high' }, { ...edge, label: b.label + ' low' });
      bands.push({ series: [series.length - 2, series.length - 1], fill: b.fill });
    }
    const levels = (spec.levels || [])
      .map((l) => ({ y: get(data, l.at), label: l.label, color: l.color }))
      .filter((l) => typeof l.y === 'number');
    const xs = cols[0];
    let gap = DAY;
    for (let i = 1; i < xs.length; i++) gap = Math.min(gap, xs[i] - xs[i - 1] || gap);
    const plot = fig.querySelector('.chart-plot');
    const width = () => Math.max(320, Math.min(960, plot.clientWidth || fig.clientWidth || 720));
    const pr = uPlot.pxRatio;
    const right = levels.length ? 110 : 16;
    const xAxis = { font, space: 56, splits: splits(spec.xTicks === 'week'), values: (u, ticks) => ticks.map((t) => day(new Date(t * 1000)).slice(5)) };
    const opts = {
      width: width(),
      height: 280,
      padding: [16, right, 0, 0],
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      series,
      bands,
      cursor: { points: { size: 8 } },
      legend: { live: true },
      scales: {
        x: { time: true, range: (u, min, max) => [Math.min(min, ...markers.map((m) => m.x)) - gap / 2, Math.max(max, ...markers.map((m) => m.x)) + gap / 2] },
        y: log ? { distr: 3, log: 10 } : { range: (u, min, max) => [0, (Math.max(max || 0, ...levels.map((l) => l.y)) || 1) * 1.12] },
      },
      axes: [xAxis, { font, label: spec.y.label, labelFont: font, size: 64, values: (u, ticks) => ticks.map((t) => (t == null ? '' : tick(t))) }],
      hooks: {
        draw: [(u) => {
          const c = u.ctx;
          const { left, top, width: w, height: h } = u.bbox;
          c.save();
          c.font = 12 * pr + 'px system-ui, sans-serif';
          c.lineWidth = 1.5 * pr;
          c.textBaseline = 'middle';
          for (const m of markers) {
            const x = Math.round(u.valToPos(m.x, 'x', true));
            c.strokeStyle = c.fillStyle = '#111';
            c.setLineDash([6 * pr, 4 * pr]);
            c.beginPath(); c.moveTo(x, top); c.lineTo(x, top + h); c.stroke();
            c.textAlign = x > left + w * 0.8 ? 'right' : 'left';
            c.fillText(m.label, x + (c.textAlign === 'left' ? 5 : -5) * pr, top + 8 * pr);
          }
          // Level labels right of the plot, pushed apart so that they never overlap.
          const placed = levels.map((l) => ({ ...l, py: Math.round(u.valToPos(l.y, 'y', true)) })).sort((a, b) => a.py - b.py);
          let last = -Infinity;
          for (const l of placed) {
            l.ty = Math.max(l.py, last + 15 * pr);
            last = l.ty;
          }
          for (const l of placed) {
            c.strokeStyle = c.fillStyle = l.color;
            c.setLineDash([4 * pr, 3 * pr]);
            c.beginPath(); c.moveTo(left, l.py); c.lineTo(left + w, l.py); c.stroke();
            c.textAlign = 'left';
            c.fillText(l.label + ' ' + fmt(l.y), left + w + 6 * pr, l.ty);
          }
          c.restore();
        }],
      },
    };
    const u = new uPlot(opts, cols, plot);
    addEventListener('resize', () => u.setSize({ width: width(), height: 280 }));
  }

  for (const fig of document.querySelectorAll('figure[data-chart]')) {
    // Shown before drawing, so that the plot's width can be measured; hidden again if drawing fails.
    fig.classList.add('drawn');
    try {
      draw(fig);
    } catch (err) {
      fig.classList.remove('drawn');
      throw err;
    }
  }
})();
`;

const gzipped = gzipSync(CHART_SCRIPT, { level: 9 });

export function registerChartScript(app: FastifyInstance): void {
  app.get(CHART_SCRIPT_URL, async (req, reply) => {
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')))
      return reply.header('content-encoding', 'gzip').send(gzipped);
    return reply.send(CHART_SCRIPT);
  });
}
