import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerVendorAssets, vendorAssets } from './vendor-assets.js';

describe('vendored page libraries', () => {
  it('serves htmx and uPlot from node_modules, gzipped when asked, under versioned immutable URLs', async () => {
    const app = Fastify();
    registerVendorAssets(app);
    const { htmx, uplot, uplotCss } = vendorAssets();
    expect(htmx.url).toMatch(/^\/assets\/htmx-4\.0\.\d+\.js$/);
    expect(uplot.url).toMatch(/^\/assets\/uplot-1\.6\.\d+\.js$/);
    expect(uplotCss.url).toMatch(/\.css$/);
    const gz = await app.inject({ url: htmx.url, headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.statusCode).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toContain('immutable');
    expect(gunzipSync(gz.rawPayload).toString('utf8')).toContain('htmx');
    const plain = await app.inject({ url: uplot.url });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toContain('uPlot');
    // Both libraries together stay far below the pages' 60 KB gzipped budget.
    expect(htmx.gzipped.length + uplot.gzipped.length).toBeLessThan(45_000);
    await app.close();
  });
});
