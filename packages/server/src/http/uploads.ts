import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { AppError, badInput, bounded } from '../errors.js';
import type { UploadedFile } from '../services/ingest.service.js';

export interface Upload {
  files: UploadedFile[];
  user: string | null;
}

/**
 * Reads a multipart/form-data upload: any number of files, and an optional `user` field. Settles once, whatever
 * the client sends: a malformed header, a body that ends early or a dropped connection is a typed error.
 */
export function readUpload(request: IncomingMessage, maxFileBytes: number, maxFiles: number): Promise<Upload> {
  if (!request.headers['content-type']?.startsWith('multipart/form-data')) {
    return Promise.reject(badInput('send the photos as multipart/form-data'));
  }
  return new Promise((resolve, reject) => {
    const files: UploadedFile[] = [];
    let user: string | null = null;
    let failure: Error | null = null;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { fileSize: maxFileBytes, files: maxFiles, fields: 10, fieldSize: 1000, parts: maxFiles + 10 },
      });
    } catch (error) {
      reject(badInput(`malformed multipart request: ${bounded((error as Error).message)}`));
      return;
    }
    const fail = (error: Error) => {
      failure ??= error;
      request.unpipe(parser);
      request.resume(); // drain what is left, so the answer can be sent
      reject(failure);
    };
    parser.on('file', (_field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failure ??= new AppError(
          'LIMIT_EXCEEDED',
          `${bounded(info.filename ?? '')}: larger than the limit of ${maxFileBytes} bytes`,
        );
      });
      stream.on('error', () => undefined); // the parser reports the same error
      stream.on('close', () => files.push({ name: info.filename || `upload-${files.length + 1}`, bytes: Buffer.concat(chunks) }));
    });
    parser.on('field', (name, value, info) => {
      if (name !== 'user') return;
      if (info.valueTruncated) failure ??= badInput('the user name is longer than 200 characters');
      else user = value.trim() || null;
    });
    parser.on('filesLimit', () => {
      failure ??= new AppError('LIMIT_EXCEEDED', `more than ${maxFiles} files in one upload`);
    });
    parser.on('partsLimit', () => {
      failure ??= new AppError('LIMIT_EXCEEDED', 'too many parts in one upload');
    });
    parser.on('error', (error: Error) => fail(badInput(`malformed multipart request: ${bounded(error.message)}`)));
    parser.on('close', () => {
      if (failure) reject(failure);
      else if (files.length === 0) reject(badInput('the upload has no files'));
      else resolve({ files, user });
    });
    request.on('error', () => fail(badInput('the upload was cut off')));
    request.pipe(parser);
  });
}
