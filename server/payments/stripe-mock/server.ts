/**
 * Local Stripe-compatible mock (issue #4 item 6). PLACEHOLDER: lands with the relays work.
 */
export type StripeMockOptions = { port: number; webhookUrl?: string; webhookSecret?: string };
export type StripeMock = { url: string; close: () => Promise<void> };

export async function startStripeMock(options: StripeMockOptions): Promise<StripeMock> {
  return { url: `http://127.0.0.1:${options.port}`, close: async () => {} };
}
