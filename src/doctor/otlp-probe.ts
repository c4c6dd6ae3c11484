/**
 * What listens at a URL's host and port: an HTTP/1.1 server (the collector's OTLP/HTTP port), an
 * HTTP/2-only server (its gRPC port), nothing (connection refused), or nothing that answers in time.
 * Used to tell a wrong port from a wrong protocol without sending data.
 */
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';

export type ProbeResult = 'http1' | 'h2' | 'closed' | 'unreachable' | 'unknown';

const TIMEOUT_MS = 2000;
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

function http1(url: URL): Promise<ProbeResult | 'other'> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = lib.request(
      {
        host: url.hostname,
        port: url.port || undefined,
        path: '/healthz',
        method: 'GET',
        timeout: TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        resolve('http1');
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve('unreachable');
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') resolve('closed');
      else if (UNREACHABLE.has(err.code ?? '')) resolve('unreachable');
      else resolve('other');
    });
    req.end();
  });
}

function h2(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const session = http2.connect(url.origin);
    const finish = (ok: boolean): void => {
      clearTimeout(timer);
      session.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), TIMEOUT_MS);
    session.on('error', () => finish(false));
    const req = session.request({ ':path': '/', ':method': 'POST', 'content-type': 'application/grpc' });
    req.on('response', () => finish(true));
    req.on('error', () => finish(false));
    req.end();
  });
}

export async function probe(rawUrl: string): Promise<ProbeResult> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return 'unknown';
  }
  const first = await http1(url);
  if (first !== 'other') return first;
  return (await h2(url)) ? 'h2' : 'unknown';
}
