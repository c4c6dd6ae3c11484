/** Rewrites the generated template reference in docs/queries.md (npm run docs:queries). */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatMarkdown, generateTemplateDocs, withGenerated } from './query-docs.js';

const file = fileURLToPath(new URL('../docs/queries.md', import.meta.url));
writeFileSync(
  file,
  await formatMarkdown(withGenerated(readFileSync(file, 'utf8'), await generateTemplateDocs()), file),
);
console.log(`wrote ${file}`);
