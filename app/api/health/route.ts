import { getDatabase } from '@/db/client';
import { createContext } from '@/server/api/trpc';
import { getHealth } from '@/server/services/platform/get-health';

export const dynamic = 'force-dynamic';

export async function GET() {
  try {
    const database = await getDatabase();
    const health = await getHealth({ ctx: createContext({ database, user: null }), input: {} });
    return Response.json(health, { status: health.ok ? 200 : 503 });
  } catch (e) {
    console.error('[health]', e);
    return Response.json({ ok: false }, { status: 503 });
  }
}
