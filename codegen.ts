import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema/**/*.graphql',
  generates: {
    'src/graphql/generated/types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        mapperTypeSuffix: 'Model',
        contextType: '../context.js#GraphQLContext',
        mappers: {
          Order: '../../domain/order.js#Order',
          OrderItem: '../../domain/order.js#OrderLine',
          Money: '../../domain/money.js#Money',
        },
        scalars: {
          DateTime: { input: 'string', output: 'string | Date' },
          SafeInt: { input: 'number', output: 'number' },
        },
        strictScalars: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        maybeValue: 'T | null',
      },
    },
    'src/graphql/generated/schema-document.ts': {
      // The document the functions build their schema from (src/graphql/order-schema.ts).
      plugins: [{ './src/tools/codegen/schema-document.cjs': { source: 'schema/order.graphql' } }],
    },
  },
};

export default config;
