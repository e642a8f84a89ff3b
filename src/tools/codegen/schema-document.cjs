// A codegen plugin (codegen.ts): writes an SDL file as a parsed document, so that a function
// builds its schema at a cold start without lexing and parsing the SDL. JSON.parse of one string
// literal is the fastest way V8 has to make that many objects.
//   config: { source: '<SDL file, relative to the repository root>' }
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('graphql');

module.exports = {
  plugin(_schema, _documents, config) {
    const sdl = readFileSync(join(__dirname, '../../..', config.source), 'utf8');
    const document = parse(sdl, { noLocation: true });
    return [
      "import type { DocumentNode } from 'graphql';",
      '',
      `/** ${config.source}, parsed by \`npm run codegen\` (src/tools/codegen/schema-document.cjs). */`,
      `export const schemaDocument: DocumentNode = JSON.parse(${JSON.stringify(JSON.stringify(document))});`,
      '',
    ].join('\n');
  },
};
