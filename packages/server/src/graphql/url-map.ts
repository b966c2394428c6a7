import { GraphQLScalarType, Kind, valueFromASTUntyped, type ValueNode } from 'graphql';
import { badInput } from '../errors.js';

/** `{ key: url }`: a JSON object of strings, as an S3-backed backend sends its photos' URLs. */
export const UrlMap = new GraphQLScalarType<Record<string, string>, Record<string, string>>({
  name: 'UrlMap',
  serialize: (value) => value as Record<string, string>,
  parseValue: toUrlMap,
  parseLiteral: (ast: ValueNode, variables) => {
    if (ast.kind !== Kind.OBJECT) throw badInput('UrlMap must be an object { key: url }');
    return toUrlMap(valueFromASTUntyped(ast, variables));
  },
});

function toUrlMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badInput('UrlMap must be an object { key: url }');
  for (const [key, url] of Object.entries(value)) {
    if (typeof url !== 'string') throw badInput(`UrlMap: the URL of "${key}" must be a string`);
  }
  return value as Record<string, string>;
}
