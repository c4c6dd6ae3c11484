import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaultPipelineWorkers, loadServeConfig } from './config.js';

const noFile = { config: undefined };

describe('loadServeConfig', () => {
  it('has the documented defaults', () => {
    const cfg = loadServeConfig(noFile, {});
    expect(cfg).toMatchObject({ host: '127.0.0.1', port: 4318, grpcPort: 4317, dataDir: './data' });
    expect(cfg.wal.maxPendingBytes).toBe(256 * 1024 * 1024);
  });

  it('layers flags over env over file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    const file = path.join(dir, 'unsilo.json');
    writeFileSync(
      file,
      JSON.stringify({ port: 1111, grpcPort: 2222, dataDir: '/from-file', wal: { segmentBytes: 1024 } }),
    );
    const cfg = loadServeConfig({ config: file, port: 3333 }, { UNSILO_GRPC_PORT: '4444' });
    expect(cfg).toMatchObject({ port: 3333, grpcPort: 4444, dataDir: '/from-file' });
    expect(cfg.wal.segmentBytes).toBe(1024);
    expect(cfg.wal.minFreeBytes).toBe(64 * 1024 * 1024);
  });

  it('merges the store section key by key: flags over env over file, password from the environment', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    const file = path.join(dir, 'unsilo.json');
    writeFileSync(
      file,
      JSON.stringify({ store: { clickhouse: { database: 'telemetry', user: 'file-user' } } }),
    );
    const cfg = loadServeConfig(
      { config: file, store: { kind: 'clickhouse', clickhouse: { url: 'http://ch:8123', user: undefined } } },
      { UNSILO_CLICKHOUSE_PASSWORD: 's3cret', UNSILO_CLICKHOUSE_USER: 'env-user' },
    );
    expect(cfg.store).toEqual({
      kind: 'clickhouse',
      clickhouse: {
        url: 'http://ch:8123',
        database: 'telemetry',
        user: 'env-user',
        password: 's3cret',
        asyncInsert: false,
        requestTimeoutMs: 300_000,
      },
    });
    expect(loadServeConfig(noFile, {}).store.kind).toBe('duckdb');
  });

  it('asks for the ClickHouse URL when the clickhouse store has none, and refuses a bad one', () => {
    expect(() => loadServeConfig(noFile, { UNSILO_STORE: 'clickhouse' })).toThrow(
      /store\.clickhouse\.url is needed .*--clickhouse-url/,
    );
    expect(() =>
      loadServeConfig(noFile, { UNSILO_STORE: 'clickhouse', UNSILO_CLICKHOUSE_URL: 'ch:8123' }),
    ).toThrow(/store\.clickhouse\.url/);
    expect(() => loadServeConfig(noFile, { UNSILO_STORE: 'mysql' })).toThrow(/store\.kind/);
  });

  it('names the bad key in its error', () => {
    expect(() => loadServeConfig({ ...noFile }, { UNSILO_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadServeConfig({ ...noFile }, { UNSILO_PORT: '70000' })).toThrow(/port:/);
  });

  it('runs the pipeline on workers when there is a core to spare, on the receiving thread when not', () => {
    expect([1, 2, 4, 16].map((cores) => defaultPipelineWorkers(cores))).toEqual([0, 1, 2, 2]);
    expect(loadServeConfig(noFile, {}).pipeline.workers).toBe(defaultPipelineWorkers());
    const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
    const file = path.join(dir, 'unsilo.json');
    writeFileSync(file, JSON.stringify({ pipeline: { workers: -1 } }));
    expect(() => loadServeConfig({ config: file }, {})).toThrow(/pipeline\.workers:/);
  });

  it('fails on an unreadable config file that was asked for', () => {
    expect(() => loadServeConfig({ config: '/nonexistent/unsilo.json' }, {})).toThrow(
      /cannot read config file/,
    );
  });
});
