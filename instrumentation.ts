/** Next calls this once per server process: start the timed-work loop there. */
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs' && process.env.LINLI_JOBS !== '0') {
    const { startJobLoop } = await import('./server/jobs/loop');
    startJobLoop();
  }
}
