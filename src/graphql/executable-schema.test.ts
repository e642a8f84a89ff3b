import { readFileSync } from 'node:fs';
import {
  buildASTSchema,
  buildSchema,
  GraphQLScalarType,
  graphql,
  parse,
  validateSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildExecutableSchema } from './executable-schema.js';
import { schemaDocument } from './generated/schema-document.js';
import { resolvers } from './resolvers.js';

const typeDefs = readFileSync(new URL('../../schema/order.graphql', import.meta.url), 'utf8');

const sdl = parse(/* GraphQL */ `
  scalar Upper
  enum Color {
    RED
  }
  type Query {
    greeting(name: String!): String!
    shout(text: Upper!): Upper!
    plain: String
  }
`);

const Upper = new GraphQLScalarType({
  name: 'Upper',
  serialize: (value) => String(value).toUpperCase(),
  parseValue: (value) => `parsed:${String(value)}`,
});

describe('buildExecutableSchema', () => {
  it('builds the order schema, valid as written, with every resolver in place', () => {
    // The functions build it from the document codegen parsed, without validating it: this is
    // where it is validated.
    expect(schemaDocument).toEqual(parse(typeDefs, { noLocation: true }));
    expect(validateSchema(buildSchema(typeDefs))).toEqual([]);
    expect(validateSchema(buildASTSchema(schemaDocument))).toEqual([]);
    const schema = buildExecutableSchema(schemaDocument, resolvers);
    const query = schema.getQueryType()?.getFields();
    expect(query?.order?.resolve).toBe(resolvers.Query?.order);
    expect(schema.getMutationType()?.getFields().placeOrder?.resolve).toBe(
      resolvers.Mutation?.placeOrder,
    );
  });

  it('runs field resolvers and a scalar implementation', async () => {
    const schema = buildExecutableSchema(sdl, {
      Upper,
      Query: {
        greeting: (_: unknown, { name }: { name: string }) => `hello ${name}`,
        shout: (_: unknown, { text }: { text: string }) => text,
      },
    });
    const result = await graphql({
      schema,
      source:
        'query($t: Upper!) { greeting(name: "ada") shout(text: $t) again: shout(text: "yo") plain }',
      variableValues: { t: 'hi' },
    });
    expect(result).toEqual({
      data: { greeting: 'hello ada', shout: 'PARSED:HI', again: 'PARSED:YO', plain: null },
    });
  });

  it('refuses resolvers for a field or type the schema does not have', () => {
    expect(() => buildExecutableSchema(sdl, { Query: { nope: () => 1 } })).toThrow(
      'Resolver for unknown field Query.nope',
    );
    expect(() => buildExecutableSchema(sdl, { Missing: { a: () => 1 } })).toThrow(
      'Resolvers for Missing',
    );
    // Enum value maps are not supported: refused rather than silently ignored.
    expect(() => buildExecutableSchema(sdl, { Color: { RED: () => '#f00' } })).toThrow(
      'Resolvers for Color',
    );
  });
});
