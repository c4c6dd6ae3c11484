/**
 * The two libraries the pages use, served by the collector from its own install (never a CDN, never
 * a download at run time, so the pages work offline): htmx 4.0.x (lazy bodies, fragments, filters)
 * and uPlot 1.6.x (time series). Each file is read once from node_modules at start-up and gzipped
 * once; a browser that accepts gzip gets the gzipped bytes. The URLs carry the package version, so
 * they are cached as immutable.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';

export interface VendorAsset {
  /** The URL the pages link to. */
  url: string;
  type: string;
  body: Buffer;
  gzipped: Buffer;
}

const require = createRequire(import.meta.url);

function packageDir(name: string): { dir: string; version: string } {
  const manifest = require.resolve(`${name}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { dir: dirname(manifest), version };
}

function asset(pkg: string, file: string, name: string, type: string): VendorAsset {
  const { dir, version } = packageDir(pkg);
  const body = readFileSync(join(dir, file));
  return {
    url: `/assets/${name}-${version}${file.slice(file.lastIndexOf('.'))}`,
    type,
    body,
    gzipped: gzipSync(body, { level: 9 }),
  };
}

let cached: Record<'htmx' | 'uplot' | 'uplotCss', VendorAsset> | null = null;

/** The vendored assets, loaded on first use. */
export function vendorAssets(): Record<'htmx' | 'uplot' | 'uplotCss', VendorAsset> {
  cached ??= {
    htmx: asset('htmx.org', 'dist/htmx.min.js', 'htmx', 'text/javascript; charset=utf-8'),
    uplot: asset('uplot', 'dist/uPlot.iife.min.js', 'uplot', 'text/javascript; charset=utf-8'),
    uplotCss: asset('uplot', 'dist/uPlot.min.css', 'uplot', 'text/css; charset=utf-8'),
  };
  return cached;
}

export function registerVendorAssets(app: FastifyInstance): void {
  for (const a of Object.values(vendorAssets())) {
    app.get(a.url, async (req, reply) => {
      reply
        .type(a.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('vary', 'accept-encoding');
      const accepts = String(req.headers['accept-encoding'] ?? '');
      if (/\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(a.gzipped);
      return reply.send(a.body);
    });
  }
}
