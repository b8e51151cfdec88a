'use client';
import { RoundsList as List } from '@/app/_health/rounds-list';
import '@/app/_health/health.css';

export function RoundsList({ communityId }: { communityId: string }) {
  return (
    <List
      communityId={communityId}
      hrefOf={(r) =>
        r.kind === 'self_test'
          ? `/v/${communityId}/health/${r.id}`
          : `/v/${communityId}/health/testing/${r.id}`
      }
    />
  );
}
