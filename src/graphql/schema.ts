import typeDefs from '../../schema/order.graphql';

/** The schema text, loaded from `schema/` as text at build time. */
export { typeDefs };
