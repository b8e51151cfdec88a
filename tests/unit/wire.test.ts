/**
 * The browser's reader and writer of superjson's wire format (app/_lib/wire.ts) against superjson
 * itself, which the server runs: whatever the server sends must read back as superjson would read
 * it, and whatever the browser sends must be what superjson would have written.
 */
import fc from 'fast-check';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { deserialize, serialize, type WireValue } from '@/app/_lib/wire';

type Sent = Parameters<typeof superjson.deserialize>[0];
/** superjson's reader, given what either side wrote. */
const sjRead = <T = unknown>(v: WireValue) => superjson.deserialize<T>(v as Sent);
/** superjson's writer, typed as the wire. */
const sjWrite = (v: unknown) => superjson.serialize(v) as unknown as WireValue;
/** Over HTTP: what the other side parses. */
const overHttp = (v: unknown) => JSON.parse(JSON.stringify(v)) as WireValue;

const dates = fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true });
// Keys with dots and backslashes exercise superjson's path escaping.
const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('a.b', 'x\\y', '.', '\\.', '0', 'items'));
const odd = fc.constantFrom(Number.NaN, Infinity, -Infinity, -0);
const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
  dates,
);
/** What the browser sends: plain JSON with Dates, undefined, bigints and odd numbers inside. */
const input = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, odd, fc.bigInt(), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 4 }),
})).value;
/** What the server could send: the same plus Maps, Sets, regular expressions and URLs. */
const output = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    leaf,
    odd,
    fc.bigInt(),
    fc.constantFrom(/a.b\/c/giu, new URL('https://example.org/a?b=1')),
    tie('array'),
    tie('object'),
    tie('map'),
    tie('set'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 4 }),
  map: fc
    .array(fc.tuple(fc.oneof(fc.string(), dates), tie('value')), { maxLength: 3 })
    .map((e) => new Map(e)),
  set: fc.array(tie('value'), { maxLength: 3 }).map((v) => new Set(v)),
})).value;

/**
 * superjson also notes which values were the same object (and counts NaN as one); it writes each
 * in full anyway, so the server reads the same values without the note.
 */
function withoutIdentities(sent: WireValue): WireValue {
  if (!sent.meta) return sent;
  const { referentialEqualities: _, ...meta } = sent.meta;
  return meta.values ? { json: sent.json, meta } : { json: sent.json };
}

describe('the wire format in the browser', () => {
  it('reads what superjson writes, as superjson reads it', () => {
    fc.assert(
      fc.property(output, (value) => {
        const sent = overHttp(superjson.serialize(value));
        const before = structuredClone(sent);
        expect(deserialize(sent)).toEqual(sjRead(structuredClone(sent)));
        // What was read is left as it was (React may hand the same props to it again).
        expect(sent).toEqual(before);
      }),
      { numRuns: 500 },
    );
  });

  it('writes exactly what superjson writes, and superjson reads it back', () => {
    fc.assert(
      fc.property(input, (value) => {
        expect(serialize(value)).toEqual(withoutIdentities(sjWrite(value)));
        expect(sjRead(overHttp(serialize(value)))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps dates as dates in the shapes the API sends', () => {
    const at = new Date('2026-12-04T08:30:00.000Z');
    const relay = {
      id: 'r1',
      closesAt: at,
      note: undefined,
      items: [
        { name: '保供套餐', at },
        { name: 'a.b', at: null },
      ],
      'a.b': { 'x\\y': at },
    };
    const read = deserialize<typeof relay>(overHttp(superjson.serialize(relay)));
    expect(read.closesAt).toBeInstanceOf(Date);
    expect(read.closesAt.toISOString()).toBe('2026-12-04T08:30:00.000Z');
    expect(read.items[0]!.at).toEqual(at);
    expect(read.items[1]!.at).toBeNull();
    expect(read['a.b']['x\\y']).toEqual(at);
    expect('note' in read && read.note === undefined).toBe(true);
    // A date on its own, and a value with nothing to annotate.
    expect(deserialize(overHttp(superjson.serialize(at)))).toEqual(at);
    expect(deserialize(overHttp(superjson.serialize({ n: 1 })))).toEqual({ n: 1 });
    // A relay's opening and cutoff as one Date object: the server reads both.
    const sentInput = sjRead<{ opensAt: Date; closesAt: Date }>(
      overHttp(serialize({ opensAt: at, closesAt: at, note: undefined })),
    );
    expect(sentInput).toEqual({ opensAt: at, closesAt: at, note: undefined });
  });

  it('reads a repeated object, which superjson writes out in full each time', () => {
    const shared = { at: new Date('2026-12-04T00:00:00Z') };
    const sent = overHttp(superjson.serialize({ a: shared, b: shared, list: [shared] }));
    expect(sent.meta?.referentialEqualities).toBeDefined();
    expect(deserialize(sent)).toEqual({ a: shared, b: shared, list: [shared] });
  });

  it('refuses what it cannot write or read instead of sending something else', () => {
    class Point {
      x = 1;
    }
    expect(() => serialize({ p: new Point() })).toThrow(/not supported/);
    expect(() => serialize(new Map())).toThrow(/not supported/);
    expect(() => deserialize({ json: 'x', meta: { values: [['class', 'Point']], v: 1 } })).toThrow(
      /not supported/,
    );
    expect(() => deserialize({ json: 1, meta: { values: ['Decimal'], v: 1 } })).toThrow(/not supported/);
  });
});
