import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadServeConfig } from './config.js';
import { loadTlsFiles } from './tls-files.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tls-files-'));
const file = (name: string): string => path.join(dir, name);

beforeAll(async () => {
  for (const name of ['a', 'b']) {
    const pems = await selfsigned.generate([{ name: 'commonName', value: name }], {
      notAfterDate: new Date(Date.now() + 86_400_000),
      keySize: 2048,
    });
    writeFileSync(file(`${name}-cert.pem`), pems.cert);
    writeFileSync(file(`${name}-key.pem`), pems.private);
  }
  writeFileSync(file('not-pem.txt'), 'hello');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadTlsFiles', () => {
  it('is off without files, and reads a matching certificate and key', () => {
    expect(loadTlsFiles({})).toBeNull();
    const files = loadTlsFiles({ certFile: file('a-cert.pem'), keyFile: file('a-key.pem') });
    expect(files?.cert.toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(files?.key.toString()).toMatch(/PRIVATE KEY-----/);
  });

  it.each([
    ['a missing file', 'missing.pem', 'a-key.pem', /^tls\.certFile: cannot read .*missing\.pem/],
    ['a key of another certificate', 'a-cert.pem', 'b-key.pem', /are not a PEM certificate and its key/],
    ['a file that is not PEM', 'not-pem.txt', 'a-key.pem', /are not a PEM certificate and its key/],
  ])('stops start-up on %s, naming the key', (_what, cert, key, message) => {
    expect(() => loadTlsFiles({ certFile: file(cert), keyFile: file(key) })).toThrow(ConfigError);
    expect(() => loadTlsFiles({ certFile: file(cert), keyFile: file(key) })).toThrow(message);
  });
});

describe('tls config', () => {
  it('needs both files or neither', () => {
    expect(() => loadServeConfig({ tls: { certFile: 'x.pem' } }, {})).toThrow(/give both tls\.certFile/);
  });

  it('takes the files from UNSILO_TLS_CERT / UNSILO_TLS_KEY, a flag overriding one of them', () => {
    const env = { UNSILO_TLS_CERT: '/env/cert.pem', UNSILO_TLS_KEY: '/env/key.pem' };
    expect(loadServeConfig({}, env).tls).toEqual({ certFile: '/env/cert.pem', keyFile: '/env/key.pem' });
    expect(loadServeConfig({ tls: { keyFile: '/flag/key.pem' } }, env).tls).toEqual({
      certFile: '/env/cert.pem',
      keyFile: '/flag/key.pem',
    });
  });
});
