/**
 * Reading Stripe parameters the way Stripe does: unknown parameters are refused (so a typo in
 * the app fails here, not silently in production), integers and booleans arrive as strings,
 * an empty string means "unset".
 */
import { invalidRequest } from './errors';
import type { FormObject, FormValue } from './form';

export class Params {
  private readonly seen = new Set<string>();

  constructor(
    private readonly raw: FormObject,
    private readonly prefix = '',
  ) {}

  private name(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }

  private take(key: string): FormValue | undefined {
    this.seen.add(key);
    return this.raw[key];
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== '';
  }

  /** Call after reading every accepted key: anything left over is an unknown parameter. */
  rejectUnknown(): void {
    for (const key of Object.keys(this.raw)) {
      if (!this.seen.has(key)) {
        throw invalidRequest(`Received unknown parameter: ${this.name(key)}`, {
          code: 'parameter_unknown',
          param: this.name(key),
        });
      }
    }
  }

  string(key: string, opts: { required?: boolean; max?: number } = {}): string | null {
    const v = this.take(key);
    if (v === undefined || v === '') {
      if (opts.required) throw missing(this.name(key));
      return null;
    }
    if (typeof v !== 'string')
      throw invalidRequest(`Invalid string: ${this.name(key)} must be a string`, { param: this.name(key) });
    if (opts.max !== undefined && v.length > opts.max) {
      throw invalidRequest(`Invalid ${this.name(key)}: must be at most ${opts.max} characters`, {
        param: this.name(key),
      });
    }
    return v;
  }

  enumValue<T extends string>(
    key: string,
    allowed: readonly T[],
    opts: { required?: boolean } = {},
  ): T | null {
    const v = this.string(key, opts);
    if (v === null) return null;
    if (!(allowed as readonly string[]).includes(v)) {
      throw invalidRequest(`Invalid ${this.name(key)}: must be one of ${allowed.join(', ')}`, {
        param: this.name(key),
      });
    }
    return v as T;
  }

  integer(key: string, opts: { required?: boolean; min?: number } = {}): number | null {
    const v = this.take(key);
    if (v === undefined || v === '') {
      if (opts.required) throw missing(this.name(key));
      return null;
    }
    if (typeof v !== 'string' || !/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
      throw invalidRequest(`Invalid integer: ${typeof v === 'string' ? v : this.name(key)}`, {
        code: 'parameter_invalid_integer',
        param: this.name(key),
      });
    }
    const n = Number(v);
    if (opts.min !== undefined && n < opts.min) {
      throw invalidRequest(`This value must be greater than or equal to ${opts.min}.`, {
        code: 'parameter_invalid_integer',
        param: this.name(key),
      });
    }
    return n;
  }

  boolean(key: string): boolean | null {
    const v = this.take(key);
    if (v === undefined || v === '') return null;
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw invalidRequest(`Invalid boolean: ${typeof v === 'string' ? v : this.name(key)}`, {
      param: this.name(key),
    });
  }

  /** A nested hash such as `automatic_payment_methods[enabled]`. */
  hash(key: string): Params | null {
    const v = this.take(key);
    if (v === undefined || v === '') return null;
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw invalidRequest(`Invalid object: ${this.name(key)} must be a hash`, { param: this.name(key) });
    }
    return new Params(v, this.name(key));
  }

  stringArray(key: string): string[] | null {
    const v = this.take(key);
    if (v === undefined || v === '') return null;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      throw invalidRequest(`Invalid array: ${this.name(key)} must be an array of strings`, {
        param: this.name(key),
      });
    }
    return v as string[];
  }

  /**
   * Stripe's metadata rules: up to 50 keys, keys up to 40 characters, values up to 500; an empty
   * value removes that key and `metadata=` (empty) clears them all.
   */
  metadata(key = 'metadata', current: Record<string, string> = {}): Record<string, string> | null {
    const v = this.take(key);
    if (v === undefined) return null;
    if (v === '') return {};
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw invalidRequest('Invalid metadata: metadata must be a hash of string keys and string values', {
        param: key,
      });
    }
    const out: Record<string, string> = { ...current };
    for (const [k, value] of Object.entries(v)) {
      if (typeof value !== 'string')
        throw invalidRequest(`Invalid metadata[${k}]: must be a string`, { param: `${key}[${k}]` });
      if (k.length > 40) {
        throw invalidRequest(
          `Metadata keys can have up to 40 characters, but you passed in a key that is ${k.length} characters.`,
          {
            param: `${key}[${k}]`,
          },
        );
      }
      if (value.length > 500) {
        throw invalidRequest(
          `Metadata values can have up to 500 characters, but you passed in a value that is ${value.length} characters.`,
          {
            param: `${key}[${k}]`,
          },
        );
      }
      if (value === '') delete out[k];
      else out[k] = value;
    }
    if (Object.keys(out).length > 50) {
      throw invalidRequest('You can have at most 50 metadata keys.', { param: key });
    }
    return out;
  }
}

function missing(param: string) {
  return invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
}
