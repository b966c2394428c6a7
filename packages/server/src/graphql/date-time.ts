import { GraphQLScalarType, Kind } from 'graphql';
import { badInput } from '../errors.js';

/** An instant as ISO 8601 in UTC with milliseconds; read from the same form (or any offset ISO 8601 gives). */
export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(date.getTime())) throw new TypeError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue: (value) => toDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw badInput('DateTime must be an ISO 8601 string');
    return toDate(ast.value);
  },
});

function toDate(value: unknown): Date {
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime()))
    throw badInput('DateTime must be an ISO 8601 string such as 2026-11-30T08:13:12.000Z');
  return date;
}
