import { getNamedType, getNullableType, isListType, isObjectType, isScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ORDER_ANSWER_BOUNDS } from './order-answer-bounds.js';
import { orderSchema } from './server.js';

const schemaFields = () =>
  Object.values(orderSchema().getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
    .flatMap((type) =>
      isObjectType(type)
        ? Object.values(type.getFields()).map((field) => ({
            coordinate: `${type.name}.${field.name}`,
            type: field.type,
          }))
        : [],
    );

describe('order answer bounds', () => {
  it('declares the longest value of every String and ID field the schema answers with', () => {
    const undeclared = schemaFields()
      .filter(({ type }) => ['String', 'ID'].includes(getNamedType(type).name))
      .map(({ coordinate }) => coordinate)
      .filter((coordinate) => ORDER_ANSWER_BOUNDS.fieldBytes[coordinate] === undefined);

    expect(undeclared).toEqual([]);
  });

  it('bounds every list by a declared length or by the page size of its connection', () => {
    const unbounded = schemaFields()
      .filter(({ type }) => isListType(getNullableType(type)))
      .map(({ coordinate }) => coordinate)
      .filter(
        (coordinate) =>
          ORDER_ANSWER_BOUNDS.listLengths[coordinate] === undefined &&
          !/^\w+Connection\.edges$/.test(coordinate),
      );

    expect(unbounded).toEqual([]);
  });

  it('declares the size of every other scalar the schema answers with', () => {
    const scalars = new Set(
      schemaFields()
        .map(({ type }) => getNamedType(type))
        .filter((type) => isScalarType(type) && !['String', 'ID'].includes(type.name))
        .map((type) => type.name),
    );

    expect(
      [...scalars].filter((name) => ORDER_ANSWER_BOUNDS.scalarBytes[name] === undefined),
    ).toEqual([]);
  });
});
