import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { AppError, badInput } from '../errors.js';
import type { UploadedFile } from '../services/ingest.service.js';

export interface Upload {
  files: UploadedFile[];
  user: string | null;
}

/** Reads a multipart/form-data upload: any number of files, and an optional `user` field. */
export function readUpload(request: IncomingMessage, maxFileBytes: number, maxFiles: number): Promise<Upload> {
  if (!request.headers['content-type']?.startsWith('multipart/form-data')) {
    return Promise.reject(badInput('send the photos as multipart/form-data'));
  }
  return new Promise((resolve, reject) => {
    const files: UploadedFile[] = [];
    let user: string | null = null;
    let failure: Error | null = null;
    const parser = busboy({ headers: request.headers, limits: { fileSize: maxFileBytes, files: maxFiles } });
    parser.on('file', (_field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failure ??= new AppError('LIMIT_EXCEEDED', `${info.filename}: larger than the limit of ${maxFileBytes} bytes`);
      });
      stream.on('close', () => files.push({ name: info.filename || `upload-${files.length + 1}`, bytes: Buffer.concat(chunks) }));
    });
    parser.on('field', (name, value) => {
      if (name === 'user') user = value.trim() || null;
    });
    parser.on('filesLimit', () => {
      failure ??= new AppError('LIMIT_EXCEEDED', `more than ${maxFiles} files in one upload`);
    });
    parser.on('error', reject);
    parser.on('close', () => {
      if (failure) reject(failure);
      else if (files.length === 0) reject(badInput('the upload has no files'));
      else resolve({ files, user });
    });
    request.pipe(parser);
  });
}
