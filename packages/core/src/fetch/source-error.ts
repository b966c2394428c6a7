/** Why a photo source was refused, with a code an API can pass on (the GraphQL server's error codes). */
export type SourceErrorCode = 'BAD_USER_INPUT' | 'LIMIT_EXCEEDED' | 'FORBIDDEN_ADDRESS' | 'UNSUPPORTED_IMAGE';

export class SourceError extends Error {
  override name = 'SourceError';

  constructor(
    readonly code: SourceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Limits of downloading a photo from a URL. */
export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** Allow URLs on loopback, link-local and private addresses (off by default: a server must not be a proxy into its own network). */
  allowPrivateAddresses: boolean;
}
