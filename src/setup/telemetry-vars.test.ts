import { describe, expect, it } from 'vitest';
import { checkCaCert, SetupError, telemetryVars } from './telemetry-vars.js';

const base = {
  server: 'https://c:4318',
  token: 'uns_t',
  protocol: 'http/protobuf' as const,
  endpoint: 'https://c:4318',
  logPrompts: false,
  logToolDetails: false,
  traces: false,
  debug: false,
};

describe('--ca-cert', () => {
  it('makes the exporter and the hooks trust the file', () => {
    expect(telemetryVars({ ...base, caCert: '/ca.pem' })).toMatchObject({
      OTEL_EXPORTER_OTLP_CERTIFICATE: '/ca.pem',
      NODE_EXTRA_CA_CERTS: '/ca.pem',
    });
    expect(Object.keys(telemetryVars(base))).not.toContain('NODE_EXTRA_CA_CERTS');
  });

  it('takes a PEM certificate and says what is wrong with anything else', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(checkCaCert('/ca.pem', () => pem)).toBe('/ca.pem');
    expect(() => checkCaCert('/key.pem', () => '-----BEGIN PRIVATE KEY-----')).toThrow(
      /--ca-cert: \/key\.pem holds no PEM certificate/,
    );
    const missing = (): string => {
      throw new Error('ENOENT: no such file');
    };
    expect(() => checkCaCert('/nope.pem', missing)).toThrow(SetupError);
    expect(() => checkCaCert('/nope.pem', missing)).toThrow(/cannot read \/nope\.pem \(ENOENT/);
  });
});
