/** The docs stay true: every stored column is in the README, every config key in docs/architecture.md. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMarkdown, generateTemplateDocs, withGenerated } from '../../scripts/query-docs.js';
import { ServeConfig } from '../../src/config/config.js';
import { TEMPLATES } from '../../src/query/templates/index.js';
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

describe('docs/queries.md', () => {
  it('documents every template as generated from the templates themselves (npm run docs:queries)', async () => {
    const file = path.join(ROOT, 'docs/queries.md');
    const current = read('docs/queries.md');
    const expected = await formatMarkdown(withGenerated(current, await generateTemplateDocs()), file);
    expect(current).toBe(expected);
    for (const t of TEMPLATES) expect(current).toContain(`### ${t.name}`);
  });
});
