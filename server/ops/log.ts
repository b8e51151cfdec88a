/**
 * The server's one logger: JSON lines (pino) on stdout, one per request and per job run, plus
 * errors. What a line may carry is decided here, not at every call site: personal data (phones,
 * one-time codes, names, care notes, cookies) is censored by path, and callers never pass
 * procedure inputs at all (see server/ops/observe.ts). `LOG_LEVEL` sets the level (default info).
 *
 * The logger lives on globalThis so every Next route bundle and the custom server share one.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

/** Keys that carry personal data, wherever they sit (top level or one object down). */
const PRIVATE_KEYS = [
  'phone',
  'otp',
  'name',
  'note',
  'notes',
  'careNote',
  'careNotes',
  'cookie',
  'authorization',
  'input',
];
export const REDACT_PATHS = [
  'code',
  'detail',
  '*.detail',
  ...PRIVATE_KEYS,
  ...PRIVATE_KEYS.map((k) => `*.${k}`),
  'req.headers.cookie',
  'req.headers.authorization',
];

/**
 * Error text can quote data: drizzle puts a failed query's parameters in its message, PostgreSQL
 * quotes the conflicting value in `detail`. Messages and stacks lose both, and any run of 6 or
 * more digits (a phone, a code) is masked.
 */
export function scrub(text: string): string {
  return text.replace(/\nparams: .*$/gm, '\nparams: [private]').replace(/\+?\d[\d ]{4,}\d/g, '[digits]');
}

function serializeError(e: unknown): unknown {
  const out = pino.stdSerializers.err(e as Error) as unknown as Record<string, unknown>;
  if (!out || typeof out !== 'object') return out;
  for (const k of ['message', 'stack'] as const) {
    if (typeof out[k] === 'string') out[k] = scrub(out[k]);
  }
  for (const k of ['detail', 'parameters', 'params', 'query']) delete out[k];
  if (out.cause) out.cause = serializeError(out.cause);
  return out;
}

type Holder = { linliLogger?: Logger };
const holder = globalThis as unknown as Holder;

/** The test runner's own output stays readable: silent under vitest unless LOG_LEVEL says otherwise. */
function defaultLevel(): string {
  return process.env.LOG_LEVEL || (process.env.VITEST ? 'silent' : 'info');
}

export function makeLogger(destination?: DestinationStream, level = defaultLevel()): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACT_PATHS, censor: '[private]' },
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

export function log(): Logger {
  holder.linliLogger ??= makeLogger();
  return holder.linliLogger;
}

/** Tests capture the log by pointing it at their own stream; `undefined` goes back to stdout. */
export function setLogDestination(destination: DestinationStream | undefined, level = 'info'): void {
  holder.linliLogger = destination ? makeLogger(destination, level) : undefined;
}
