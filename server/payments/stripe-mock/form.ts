/**
 * Stripe's v1 request format: application/x-www-form-urlencoded with bracket notation
 * (`metadata[order_id]=42`, `expand[0]=latest_charge`, `expand[]=latest_charge`,
 * `automatic_payment_methods[enabled]=true`). Every leaf is a string, as on the wire; the
 * endpoint decides what is an integer or a boolean, the way Stripe does.
 */
export type FormValue = string | FormValue[] | FormObject;
export type FormObject = { [key: string]: FormValue };

export class FormParseError extends Error {}

const MAX_DEPTH = 8;
/** Plain objects hold the parsed tree: these names would reach Object.prototype. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Splits `a[b][0][]` into `['a', 'b', '0', '']`. */
function splitKey(raw: string): string[] {
  const first = raw.indexOf('[');
  if (first <= 0) {
    if (FORBIDDEN_KEYS.has(raw)) throw new FormParseError(`Received unknown parameter: ${raw}`);
    return [raw];
  }
  const parts = [raw.slice(0, first)];
  const re = /\[([^\]]*)\]/y;
  let pos = first;
  while (pos < raw.length) {
    re.lastIndex = pos;
    const m = re.exec(raw);
    if (!m) throw new FormParseError(`Invalid parameter name: ${raw}`);
    parts.push(m[1] ?? '');
    pos = re.lastIndex;
  }
  if (parts.some((p) => FORBIDDEN_KEYS.has(p)))
    throw new FormParseError(`Received unknown parameter: ${raw}`);
  if (parts.length > MAX_DEPTH) throw new FormParseError(`Parameter nested too deeply: ${raw}`);
  return parts;
}

const APPEND = Symbol('append');
type Node = { [key: string]: Node | string } & { [APPEND]?: number };

function isIndex(s: string): boolean {
  return /^(0|[1-9]\d{0,3})$/.test(s);
}

/** Objects whose keys are all indices (or were built with `[]`) become arrays, in index order. */
function finish(node: Node | string): FormValue {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  if (keys.length > 0 && keys.every(isIndex)) {
    return keys
      .map(Number)
      .sort((a, b) => a - b)
      .map((k) => finish(node[String(k)] as Node | string));
  }
  const out: FormObject = {};
  for (const k of keys) out[k] = finish(node[k] as Node | string);
  return out;
}

/** Prototype-free, so a parameter named `toString[x]` cannot reach a shared built-in. */
function newNode(): Node {
  return Object.create(null) as Node;
}

export function parseForm(body: string): FormObject {
  const root: Node = newNode();
  for (const [rawKey, value] of new URLSearchParams(body)) {
    if (rawKey === '') continue;
    const path = splitKey(rawKey);
    let node: Node = root;
    for (let i = 0; i < path.length; i++) {
      let key = path[i] as string;
      const last = i === path.length - 1;
      if (key === '') {
        // `a[]=x&a[]=y`: append in arrival order.
        const n = node[APPEND] ?? 0;
        node[APPEND] = n + 1;
        key = String(n);
      }
      if (last) {
        if (Object.hasOwn(node, key) && typeof node[key] === 'object')
          throw new FormParseError(`Conflicting values for parameter ${rawKey}`);
        node[key] = value;
      } else {
        const next = Object.hasOwn(node, key) ? node[key] : undefined;
        if (typeof next === 'string') throw new FormParseError(`Conflicting values for parameter ${rawKey}`);
        if (next === undefined) {
          const created: Node = newNode();
          node[key] = created;
          node = created;
        } else {
          node = next;
        }
      }
    }
  }
  const result = finish(root);
  return Array.isArray(result) || typeof result === 'string' ? {} : result;
}

/** A stable serialization for comparing the parameters of two idempotent requests. */
export function canonical(value: FormValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
    .join(',')}}`;
}
