import { SourceError } from '@facegroup/core';
import { GraphQLError } from 'graphql';

export type ErrorCode = 'NOT_FOUND' | 'BAD_USER_INPUT' | 'UNSUPPORTED_IMAGE' | 'LIMIT_EXCEEDED' | 'FORBIDDEN_ADDRESS' | 'FORBIDDEN_PATH';

/** An error the client caused, reported with its code in `extensions.code` (and as the HTTP status of plain endpoints). */
export class AppError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message, { extensions: { code } });
  }

  get httpStatus(): number {
    return { NOT_FOUND: 404, BAD_USER_INPUT: 400, UNSUPPORTED_IMAGE: 415, LIMIT_EXCEEDED: 413, FORBIDDEN_ADDRESS: 403, FORBIDDEN_PATH: 403 }[this.code];
  }
}

export const notFound = (what: string, id: string) => new AppError('NOT_FOUND', `${what} ${id} not found`);
export const badInput = (message: string) => new AppError('BAD_USER_INPUT', message);

/** A photo source core refused (bad URL, forbidden address, …) as the API's typed error; other errors pass. */
export function asAppError(error: unknown): unknown {
  return error instanceof SourceError ? new AppError(error.code, error.message) : error;
}
