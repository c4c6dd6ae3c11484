/** The docs stay true: every stored column is in the README, every config key in docs/architecture.md. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServeConfig } from '../../src/config/config.js';
import { TABLES } from '../../src/store/schema.js';
import { ROOT } from '../support/collector-fixture.js';

const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
/** A markdown table row whose first cell is `name` (tables are padded by the formatter). */
const row = (name: string): RegExp => new RegExp(`^\\|\\s*\`${name.replaceAll('.', '\\.')}\`\\s*\\|`, 'm');

function configKeys(shape: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(shape).flatMap(([key, schema]) => {
    const inner = (schema as { def?: { innerType?: { shape?: Record<string, unknown> } } }).def?.innerType
      ?.shape;
    return inner ? configKeys(inner, `${prefix}${key}.`) : [`${prefix}${key}`];
  });
}

describe('docs', () => {
  it('README lists every column of every table', () => {
    const readme = read('README.md');
    for (const [table, columns] of Object.entries(TABLES)) {
      const section = readme.slice(readme.indexOf(`### \`${table}\``));
      for (const c of columns) expect(section, `${table}.${c.name}`).toMatch(row(c.name));
    }
  });

  it('docs/architecture.md lists every config key', () => {
    const doc = read('docs/architecture.md');
    const keys = configKeys(ServeConfig.shape);
    expect(keys).toContain('wal.maxPendingBytes');
    for (const key of keys) expect(doc, key).toMatch(row(key));
  });
});
