/**
 * Preloaded into the server's processes (NODE_OPTIONS=--import …; node refuses --cpu-prof there)
 * when BENCH_CPU_PROFILE_DIR is set: starts V8's sampling profiler at once and writes
 * `<dir>/<pid>.cpuprofile` on SIGUSR2, so the bench can take the profile of a running server
 * before stopping it. The profile's timestamps are the machine's monotonic clock in µs.
 */
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable', () => {
    session.post('Profiler.setSamplingInterval', { interval: 500 }, () => {
      session.post('Profiler.start');
    });
  });
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err || !result) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
