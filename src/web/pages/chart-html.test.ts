import { describe, expect, it } from 'vitest';
import { chartFigure, scriptJson } from './chart-html.js';

describe('chart figures', () => {
  it('embeds any string in the figure JSON without ending the script early', () => {
    const data = { note: '</script><script>alert(1)</script> \u2028 <!-- & "q"' };
    const json = scriptJson(data);
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual(data);
    const html = chartFigure({
      id: 'c"x',
      caption: '<b>cost</b>',
      spec: { rows: 'query', x: 'day', y: { label: 'cost', unit: 'usd' }, series: [] },
      data,
      table: '<table id="t"></table>',
    });
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain('id="c&quot;x"');
    expect(html).toContain('<figcaption>&lt;b&gt;cost&lt;/b&gt;</figcaption>');
    const inner = /<script type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect((JSON.parse(inner) as { data: unknown }).data).toEqual(data);
  });
});
