/**
 * Reads a request body with limits on the wire size and on the decompressed size (gzip, deflate), so
 * a gzip bomb stops at the limit instead of exhausting memory. Works for chunked bodies with no
 * Content-Length (Claude Code's exporter sends those).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip, createInflate, type Gunzip, type Inflate } from 'node:zlib';

export interface BodyLimits {
  /** Largest body on the wire, in bytes. */
  maxBodyBytes: number;
  /** Largest body after decompression, in bytes. */
  maxDecompressedBytes: number;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

function decompressorFor(encoding: string): Gunzip | Inflate | null {
  switch (encoding) {
    case '':
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    default:
      throw new HttpError(415, `unsupported Content-Encoding "${encoding}"; send gzip, deflate or none`);
  }
}

export function readBody(
  stream: Readable,
  headers: IncomingHttpHeaders,
  limits: BodyLimits,
): Promise<Buffer> {
  const encoding = String(headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const declared = Number(headers['content-length'] ?? NaN);
  if (declared > limits.maxBodyBytes) {
    return Promise.reject(
      new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limits.maxBodyBytes}`),
    );
  }
  let inflater: Gunzip | Inflate | null;
  try {
    inflater = decompressorFor(encoding);
  } catch (err) {
    return Promise.reject(err as Error);
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let size = 0;
    let settled = false;
    const fail = (err: HttpError): void => {
      if (settled) return;
      settled = true;
      inflater?.destroy();
      stream.unpipe?.();
      stream.resume();
      reject(err);
    };
    const collect = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limits.maxDecompressedBytes) {
        fail(
          new HttpError(
            413,
            `decompressed request body exceeds the limit of ${limits.maxDecompressedBytes} bytes`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    };
    stream.on('data', (chunk: Buffer) => {
      wire += chunk.length;
      if (wire > limits.maxBodyBytes) {
        fail(new HttpError(413, `request body exceeds the limit of ${limits.maxBodyBytes} bytes`));
        return;
      }
      if (inflater) inflater.write(chunk);
      else collect(chunk);
    });
    stream.on('error', (err) => fail(new HttpError(400, `could not read the request body: ${err.message}`)));
    if (inflater) {
      inflater.on('data', collect);
      inflater.on('error', (err) =>
        fail(new HttpError(400, `could not decompress the ${encoding} body: ${err.message}`)),
      );
      inflater.on('end', () => {
        if (!settled) {
          settled = true;
          resolve(Buffer.concat(chunks, size));
        }
      });
      stream.on('end', () => inflater.end());
    } else {
      stream.on('end', () => {
        if (!settled) {
          settled = true;
          resolve(Buffer.concat(chunks, size));
        }
      });
    }
  });
}
