// `npm run schema`: regenerates config/schema.json from the zod schema (test/config checks it is current).
import { writeFileSync } from 'node:fs';
import { configJsonSchemaText } from '../src/config/json-schema.ts';

const target = new URL('../config/schema.json', import.meta.url);
writeFileSync(target, configJsonSchemaText());
console.log(`wrote ${target.pathname}`);
