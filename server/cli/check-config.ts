/** Exits non-zero with one line when a production start is half-configured (see server/config/production-check.ts). */
import { productionConfigLine } from '@/server/config/production-check';

const line = productionConfigLine(process.env);
if (line) {
  console.error(line);
  process.exit(78); // EX_CONFIG
}
