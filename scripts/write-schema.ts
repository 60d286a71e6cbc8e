// `npm run schema`: regenerates config/schema.json and docs/CONFIG.md from the zod schema, and the
// platform table of README.md from the registry (test/config/generated-docs.test.ts checks all three).
import { readFileSync, writeFileSync } from 'node:fs';
import { configReferenceText } from '../src/config/config-doc.ts';
import { configJsonSchemaText } from '../src/config/json-schema.ts';
import { withPlatformTable } from '../src/config/platform-table.ts';

const write = (path: string, text: string): void => {
  const target = new URL(`../${path}`, import.meta.url);
  writeFileSync(target, text);
  console.log(`wrote ${path}`);
};

write('config/schema.json', configJsonSchemaText());
write('docs/CONFIG.md', configReferenceText());
write('README.md', withPlatformTable(readFileSync(new URL('../README.md', import.meta.url), 'utf8')));
