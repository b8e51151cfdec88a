import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BAG_LIFECYCLE,
  BATCH_LIFECYCLE,
  DELIVERY_LIFECYCLE,
  PROBLEM_LIFECYCLE,
} from '@/server/services/distribution/lifecycle';
import { ROUND_LIFECYCLE, TESTING_BUILDING_LIFECYCLE } from '@/server/services/health/transition';
import { NEED_CLAIM_LIFECYCLE, NEED_LIFECYCLE } from '@/server/services/needs/transition';
import { PAYMENT_LIFECYCLE, REFUND_LIFECYCLE } from '@/server/services/payment/lifecycle';
import { TASK_CLAIM_LIFECYCLE, VOLUNTEER_APPLICATION_LIFECYCLE } from '@/server/services/tasks/lifecycle';
import { ORDER_LIFECYCLE, RELAY_LIFECYCLE } from '@/server/services/relay/lifecycle';
import { renderLifecycle, type Lifecycle } from '@/server/services/shared/lifecycle';

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'ARCHITECTURE.md'), 'utf8');
/** Prettier aligns markdown tables: compare with runs of spaces and dashes collapsed. */
const norm = (s: string) => s.replace(/-{3,}/g, '---').replace(/[ \t]+/g, ' ');

describe('docs/ARCHITECTURE.md', () => {
  it.each([
    RELAY_LIFECYCLE,
    ORDER_LIFECYCLE,
    DELIVERY_LIFECYCLE,
    BATCH_LIFECYCLE,
    BAG_LIFECYCLE,
    NEED_LIFECYCLE,
    NEED_CLAIM_LIFECYCLE,
    PAYMENT_LIFECYCLE,
    REFUND_LIFECYCLE,
    PROBLEM_LIFECYCLE,
    ROUND_LIFECYCLE,
    TESTING_BUILDING_LIFECYCLE,
    VOLUNTEER_APPLICATION_LIFECYCLE,
    TASK_CLAIM_LIFECYCLE,
  ] as Lifecycle<string>[])('shows the $name table exactly as the code has it', (lc) => {
    expect(norm(doc)).toContain(norm(renderLifecycle(lc)));
  });
});
