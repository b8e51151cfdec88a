/**
 * superjson's wire format (`{ json, meta: { values, v: 1 } }`), read and written in the browser
 * without the library. The server keeps superjson (server/api/trpc.ts); the browser only needs to
 * turn annotated values back into Dates (and the few other types the API could send) and to mark
 * the Dates it sends. That is 1 KB where superjson with its helpers is about 5 KB of every page's
 * first load (issue 18, docs/PERFORMANCE.md §11).
 *
 * Kept honest by tests/unit/wire.test.ts: generated values go through superjson on one side and
 * this file on the other, in both directions, and must come out equal.
 *
 * Not supported, and refused loudly rather than misread: classes, symbols, custom transformers
 * and typed arrays (superjson's registries, which this app does not use).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** An annotation: a type at a path, with the annotations of what is inside it. */
type Leaf = [type: string | string[], inner?: Trees];
interface Trees {
  [path: string]: Tree;
}
type Tree = Leaf | Trees;
export type WireValue = { json: Json; meta?: { values?: Tree; referentialEqualities?: unknown; v?: number } };

/** superjson's path syntax: keys joined by `.`, with `\.` and `\\` inside a key. */
function parsePath(text: string): string[] {
  const keys: string[] = [];
  let key = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      const next = text[i + 1];
      if (next !== '\\' && next !== '.') throw new Error(`wire: invalid path ${text}`);
      key += next;
      i++;
    } else if (ch === '.') {
      keys.push(key);
      key = '';
    } else key += ch;
  }
  keys.push(key);
  return keys;
}

const escapeKey = (key: string) => key.replace(/\\/g, '\\\\').replace(/\./g, '\\.');

function unsupported(type: unknown): never {
  throw new Error(`wire: ${JSON.stringify(type)} values are not supported in the browser`);
}

function untransform(value: unknown, type: string | string[]): unknown {
  if (typeof type !== 'string') unsupported(type);
  switch (type) {
    case 'undefined':
      return undefined;
    case 'Date':
      return new Date(value as string);
    case 'number':
      return Number(value);
    case 'bigint':
      return BigInt(value as string);
    case 'set':
      return new Set(value as unknown[]);
    case 'map':
      return new Map(value as [unknown, unknown][]);
    case 'regexp': {
      const text = value as string;
      const end = text.lastIndexOf('/');
      return new RegExp(text.slice(1, end), text.slice(end + 1));
    }
    case 'URL':
      return new URL(value as string);
    case 'Error': {
      const plain = value as { name: string; message: string; cause?: unknown };
      const error = new Error(plain.message, { cause: plain.cause });
      error.name = plain.name;
      return error;
    }
    default:
      return unsupported(type);
  }
}

type Container = Record<string, unknown> | unknown[];

/**
 * Annotates a copy: each container on an annotated path is copied once (the JSON it came from
 * may be a props object React keeps, such as the server's prefetched cache); the rest is shared.
 */
class Annotator {
  private readonly copies = new Set<unknown>();
  constructor(public root: unknown) {}

  private own(c: Container): Container {
    if (this.copies.has(c)) return c;
    const copy = Array.isArray(c) ? c.slice() : { ...c };
    this.copies.add(copy);
    return copy;
  }

  /** Replaces the value at `path` with `fn(value)`; innermost paths come first, so containers are plain. */
  set(path: string[], fn: (v: unknown) => unknown): void {
    if (path.length === 0) {
      this.root = fn(this.root);
      return;
    }
    this.root = this.own(this.root as Container);
    let parent = this.root as Record<string, unknown>;
    for (const key of path.slice(0, -1)) {
      parent = parent[key] = this.own(parent[key] as Container) as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    parent[last] = fn(parent[last]);
  }

  apply(tree: Tree, path: string[]): void {
    if (Array.isArray(tree)) {
      const [type, inner] = tree;
      // What is inside first, while the container is still plain JSON (a map is still its entries).
      if (inner) for (const [k, sub] of Object.entries(inner)) this.apply(sub, [...path, ...parsePath(k)]);
      this.set(path, (v) => untransform(v, type));
      return;
    }
    for (const [k, sub] of Object.entries(tree)) this.apply(sub, [...path, ...parsePath(k)]);
  }
}

/**
 * A value as the server sent it. Referential equalities are not restored: superjson (without
 * dedupe, as the server runs it) also writes every repeated object out in full, so only identity
 * is lost, which nothing in the app compares.
 */
export function deserialize<T = unknown>(payload: WireValue): T {
  const values = payload.meta?.values;
  if (!values) return payload.json as T;
  const annotator = new Annotator(payload.json);
  annotator.apply(values, []);
  return annotator.root as T;
}

type Walked = { json: Json; tree?: Tree };

function transform(value: unknown): { json: Json; type: string } | null {
  if (value === undefined) return { json: null, type: 'undefined' };
  if (value instanceof Date) return { json: value.toISOString(), type: 'Date' };
  if (typeof value === 'bigint') return { json: value.toString(), type: 'bigint' };
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { json: 'NaN', type: 'number' };
    if (value === Infinity) return { json: 'Infinity', type: 'number' };
    if (value === -Infinity) return { json: '-Infinity', type: 'number' };
    if (value === 0 && 1 / value < 0) return { json: '-0', type: 'number' };
  }
  return null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function walk(value: unknown, seen: unknown[]): Walked {
  const simple = transform(value);
  if (simple) return { json: simple.json, tree: [simple.type] };
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return { json: value };
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) unsupported(Object.prototype.toString.call(value));
  if (seen.includes(value)) return { json: null }; // a cycle: superjson writes null too
  const json: Json = isArray ? [] : {};
  const inner: Trees = {};
  for (const [k, v] of Object.entries(value as object)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') unsupported(k);
    const child = walk(v, [...seen, value]);
    (json as Record<string, Json>)[k] = child.json;
    if (Array.isArray(child.tree)) inner[escapeKey(k)] = child.tree;
    else if (child.tree) for (const [p, t] of Object.entries(child.tree)) inner[`${escapeKey(k)}.${p}`] = t;
  }
  return Object.keys(inner).length ? { json, tree: inner } : { json };
}

/** A value to send (a procedure's input): plain JSON, Dates, undefined, bigints and odd numbers. */
export function serialize(value: unknown): WireValue {
  const { json, tree } = walk(value, []);
  return tree ? { json, meta: { values: tree, v: 1 } } : { json };
}

/** tRPC's transformer for the browser's links (the server's is superjson; the wire is the same). */
export const wireTransformer = { serialize, deserialize };
