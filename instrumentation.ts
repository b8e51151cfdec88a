/** Next calls `register` once per server process: the job loop and the drain hooks start there. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { boot } = await import('./server/ops/boot');
    boot();
  }
}

/** Errors Next caught in a page, route or action: logged with the request id (server/ops/boot.ts). */
export async function onRequestError(
  ...args: Parameters<typeof import('./server/ops/boot').logRequestError>
) {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { logRequestError } = await import('./server/ops/boot');
    logRequestError(...args);
  }
}
