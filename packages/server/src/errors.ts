import { randomUUID } from 'node:crypto';
import { SourceError } from '@facegroup/core';
import { GraphQLError } from 'graphql';
import { log, stackOf } from './log.js';

export type ErrorCode =
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'UNSUPPORTED_IMAGE'
  | 'LIMIT_EXCEEDED'
  | 'RATE_LIMITED'
  | 'FORBIDDEN_ADDRESS'
  | 'FORBIDDEN_PATH'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED';

const HTTP_STATUS: Record<ErrorCode, number> = {
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  UNSUPPORTED_IMAGE: 415,
  LIMIT_EXCEEDED: 413,
  RATE_LIMITED: 429,
  FORBIDDEN_ADDRESS: 403,
  FORBIDDEN_PATH: 403,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
};

/** An error the client caused, reported with its code in `extensions.code` (and as the HTTP status of plain endpoints). */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message, { extensions: { code } });
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export const notFound = (what: string, id: string) => new AppError('NOT_FOUND', `${what} ${bounded(id)} not found`);
export const badInput = (message: string) => new AppError('BAD_USER_INPUT', message);
export const unauthenticated = () =>
  new AppError('UNAUTHENTICATED', 'send a valid API key as "Authorization: Bearer <key>" (see the README, Security)');

/** A photo source core refused (bad URL, forbidden address, …) as the API's typed error; other errors pass. */
export function asAppError(error: unknown): unknown {
  return error instanceof SourceError ? new AppError(error.code, error.message) : error;
}

/**
 * An unexpected error as a client sees it: a short message and an id; the full error goes to the log under the same
 * id. Paths, SQL, stack traces and code excerpts stay in the log.
 */
export function internalError(error: unknown, where: string, requestId?: string): { message: string; errorId: string } {
  const errorId = randomUUID();
  log.error('unexpected error', { errorId, requestId, where, error: stackOf(error) });
  return { message: `internal error (id ${errorId})`, errorId };
}

/** Echoes client-given text in messages without letting it grow them: a 1 MB id is shown as its start. */
export function bounded(text: string, max = 80): string {
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return printable.length <= max ? printable : `${printable.slice(0, max)}…`;
}

/** Names and user names: trimmed, at most 200 characters, no control characters. */
export function checkedName(value: string, what: string): string {
  const trimmed = value.trim();
  if (trimmed.length > 200) throw badInput(`${what} is longer than 200 characters`);
  if (/[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) throw badInput(`${what} contains control characters`);
  return trimmed;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else names nothing, and is not sent to the database. */
export const isId = (id: string) => UUID.test(id);
