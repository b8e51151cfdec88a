/**
 * Where uploaded files live. Callers see only `FileStorage`; which backend serves it is chosen by
 * the environment (`FILE_STORAGE`, default `local`), so an S3-compatible store is one more entry in
 * `DRIVERS` and no caller changes.
 *
 * Keys are made by the server (`newFileKey`), never taken from a request, and are checked against
 * a strict pattern before any backend sees them: a key cannot climb out of its directory.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat as fsStat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';

type FileMeta = {
  /** The sniffed type (never the one a client claimed). */
  contentType: string;
  sha256: string;
  size: number;
};

type StoredFile = FileMeta & {
  /** The bytes, streamed (a 10 MB document is not held in memory twice). */
  body: ReadableStream<Uint8Array>;
};

interface FileStorage {
  /** Writes the whole file or nothing (a reader never sees half a file). */
  put(key: string, bytes: Uint8Array, meta: FileMeta): Promise<void>;
  get(key: string): Promise<StoredFile | null>;
  stat(key: string): Promise<FileMeta | null>;
  /** Removing a missing file is not an error. */
  delete(key: string): Promise<void>;
}

/** `<area>/<yyyy>/<mm>/<uuid>`: lower-case letters, digits and dashes, in slash-separated parts. */
const KEY = /^[a-z0-9][a-z0-9-]{0,62}(\/[a-z0-9][a-z0-9-]{0,62}){1,5}$/;

export class InvalidFileKeyError extends Error {
  constructor(key: string) {
    super(`invalid file key: ${JSON.stringify(key).slice(0, 80)}`);
    this.name = 'InvalidFileKeyError';
  }
}

function assertFileKey(key: string): void {
  if (typeof key !== 'string' || !KEY.test(key)) throw new InvalidFileKeyError(String(key));
}

/** A fresh key in `area` (e.g. `merchant-documents`), spread over month directories. */
export function newFileKey(area: 'merchant-documents' | 'product-photos', now = new Date()): string {
  const y = String(now.getUTCFullYear());
  const m = String(now.getUTCMonth() + 1).padStart(2, '0');
  return `${area}/${y}/${m}/${randomUUID()}`;
}

/** Files under one directory on the local disk, with a JSON sidecar for the metadata. */
export class LocalDiskStorage implements FileStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The absolute path of a key; refuses anything that would land outside `root`. */
  resolve(key: string): string {
    assertFileKey(key);
    const full = path.resolve(this.root, ...key.split('/'));
    // Belt and braces: the pattern already forbids `..`, absolute paths and backslashes.
    if (!full.startsWith(this.root + path.sep)) throw new InvalidFileKeyError(key);
    return full;
  }

  async put(key: string, bytes: Uint8Array, meta: FileMeta): Promise<void> {
    const file = this.resolve(key);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    try {
      await writeFile(tmp, bytes, { mode: 0o600 });
      await writeFile(`${file}.meta.json`, JSON.stringify(meta), { mode: 0o600 });
      await rename(tmp, file);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async stat(key: string): Promise<FileMeta | null> {
    const file = this.resolve(key);
    try {
      const [s, raw] = await Promise.all([fsStat(file), readFile(`${file}.meta.json`, 'utf8')]);
      const meta = JSON.parse(raw) as FileMeta;
      return { ...meta, size: s.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async get(key: string): Promise<StoredFile | null> {
    const meta = await this.stat(key);
    if (!meta) return null;
    const body = Readable.toWeb(createReadStream(this.resolve(key))) as ReadableStream<Uint8Array>;
    return { ...meta, body };
  }

  async delete(key: string): Promise<void> {
    const file = this.resolve(key);
    await rm(file, { force: true });
    await rm(`${file}.meta.json`, { force: true });
  }
}

type Driver = (env: NodeJS.ProcessEnv) => FileStorage;

/** Backends by name. An S3-compatible store registers here (e.g. `s3: (env) => new S3Storage(…)`). */
const DRIVERS: Record<string, Driver> = {
  local: (env) => new LocalDiskStorage(env.FILE_STORAGE_DIR || path.join(process.cwd(), '.data/files')),
};

type Holder = { linliFileStorage?: FileStorage };
const holder = globalThis as unknown as Holder;

/** The process-wide storage, chosen by `FILE_STORAGE` (default `local`, under `.data/files` or `FILE_STORAGE_DIR`). */
export function getFileStorage(): FileStorage {
  if (holder.linliFileStorage) return holder.linliFileStorage;
  const name = process.env.FILE_STORAGE || 'local';
  const driver = DRIVERS[name];
  if (!driver)
    throw new Error(
      `FILE_STORAGE=${name} is not a known storage backend (known: ${Object.keys(DRIVERS).join(', ')})`,
    );
  holder.linliFileStorage = driver(process.env);
  return holder.linliFileStorage;
}

/** For tests and scripts that bring their own storage. */
export function setFileStorage(storage: FileStorage | undefined): void {
  holder.linliFileStorage = storage;
}
