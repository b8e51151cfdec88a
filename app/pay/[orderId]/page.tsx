import type { Metadata } from 'next';
import { getTranslations } from 'next-intl/server';
import { PayPage } from './pay-page';
import '@/app/r/[communityId]/relays/_kit/relay.css';
import './pay.css';
import { Prefetched, serverTrpc } from '@/app/_lib/trpc-server';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations('relay.pay');
  return { title: t('title') };
}

/** /pay/<orderId>?c=<communityId>[&return=1] */
export default async function Page({
  params,
  searchParams,
}: {
  params: Promise<{ orderId: string }>;
  searchParams: Promise<{ c?: string; return?: string }>;
}) {
  const { orderId } = await params;
  const { c, return: back } = await searchParams;
  return (
    <Prefetched queries={c ? [serverTrpc.payment.get.queryOptions({ communityId: c, orderId })] : []}>
      <PayPage orderId={orderId} communityId={c ?? ''} returning={back === '1'} />
    </Prefetched>
  );
}
