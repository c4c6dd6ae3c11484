/** Finding the member's `claude`: on PATH, never unsilo's own pinned dev dependency. */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { claudeVersion, findClaude } from './claude-binary.js';

const ownBin = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'unsilo-claude-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findClaude', () => {
  it('skips unsilo’s own node_modules/.bin (npx puts it first on PATH)', () => {
    expect(findClaude({ PATH: `${ownBin}${path.delimiter}/nonexistent` })).toBeNull();
  });

  it('finds claude in a PATH folder and reads its version', async () => {
    symlinkSync(path.join(ownBin, 'claude'), path.join(dir, 'claude'));
    const found = findClaude({ PATH: [ownBin, '/nonexistent', dir].join(path.delimiter) });
    expect(found).toBe(path.join(dir, 'claude'));
    expect(await claudeVersion(found as string, { PATH: process.env.PATH })).toBe('2.1.328');
    expect(await claudeVersion('/nonexistent/claude', {})).toBeNull();
  });
});
