/**
 * The demo merchants' papers (核查准入 documents and staff test results), so the coordinators' review
 * of the pending merchant has something to look at and the admitted one passes its checklist.
 * The files are generated (a one-page PDF for each permit, a labelled QR image standing in for a
 * photo of each licence and pass) and stored through the same storage interface as uploads.
 */
import { createHash } from 'node:crypto';
import { inArray } from 'drizzle-orm';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { Database } from '@/db/client';
import { healthAttestations, merchantDocuments, merchants } from '@/db/schema';
import { getFileStorage } from '@/server/files/storage';
import { addDays } from '@/server/services/merchant/rules';
import type { DemoRefs } from './extras';
import { demoId } from './random';
import { localDate } from '@/server/services/shared/time';
import { inTransaction } from '@/server/services/shared/tx';

function pdf(lines: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Fixed metadata dates, so the same demo produces the same bytes.
    const doc = new PDFDocument({
      size: 'A5',
      margin: 40,
      info: { CreationDate: new Date('2022-04-01T00:00:00Z') },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(18).text(lines[0]!, { align: 'center' });
    doc.moveDown();
    for (const line of lines.slice(1)) doc.fontSize(12).text(line);
    doc.end();
  });
}

const png = (text: string) => QRCode.toBuffer(text, { width: 480, margin: 2 });

export async function seedMerchantDocuments(database: Database, demo: DemoRefs): Promise<void> {
  const ids = [demo.merchants.admitted, demo.merchants.pending, demo.merchants.expired];
  const rows = await database.db.select().from(merchants).where(inArray(merchants.id, ids));
  const storage = getFileStorage();
  const today = localDate(new Date());
  const docs: (typeof merchantDocuments.$inferInsert)[] = [];
  for (const m of rows) {
    const files = [
      {
        kind: 'business_licence' as const,
        name: '营业执照.png',
        mime: 'image/png',
        bytes: await png(`营业执照 ${m.legalName} ${m.creditCode}`),
      },
      {
        kind: 'food_permit' as const,
        name: '食品经营许可证.pdf',
        mime: 'application/pdf',
        bytes: await pdf([
          'Food Business Permit',
          `No. ${m.foodPermitNo}`,
          `Credit code ${m.creditCode}`,
          `Valid until ${m.foodPermitExpiresOn}`,
        ]),
      },
      {
        kind: 'vehicle_pass' as const,
        name: '车辆通行证.png',
        mime: 'image/png',
        bytes: await png(`车辆通行证 ${m.vehiclePlate} ${m.vehiclePassExpiresOn}`),
      },
    ];
    for (const f of files) {
      const key = `merchant-documents/demo/${m.id}-${f.kind.replace('_', '-')}`;
      const sha256 = createHash('sha256').update(f.bytes).digest('hex');
      await storage.put(key, f.bytes, { contentType: f.mime, sha256, size: f.bytes.byteLength });
      docs.push({
        id: demoId(`document:${m.id}:${f.kind}`),
        merchantId: m.id,
        kind: f.kind,
        storageKey: key,
        fileName: f.name,
        mimeType: f.mime,
        sizeBytes: f.bytes.byteLength,
        sha256,
        uploadedBy: m.createdBy,
        createdAt: new Date('2022-04-15T10:00:00+08:00'),
      });
    }
  }
  await inTransaction(database.db, async (tx) => {
    await tx.insert(merchantDocuments).values(docs).onConflictDoNothing();
    const fresh = addDays(today, -1);
    await tx
      .insert(healthAttestations)
      .values([
        {
          id: demoId('attestation:admitted:owner'),
          merchantId: demo.merchants.admitted,
          personName: '陈老板',
          lastNegativeTestOn: fresh,
        },
        {
          id: demoId('attestation:admitted:staff'),
          merchantId: demo.merchants.admitted,
          personName: '刘建军',
          lastNegativeTestOn: fresh,
        },
        {
          id: demoId('attestation:pending:owner'),
          merchantId: demo.merchants.pending,
          personName: '沈国华',
          lastNegativeTestOn: today,
        },
        // The lapsed wholesaler's last test is as old as its permit.
        {
          id: demoId('attestation:expired:owner'),
          merchantId: demo.merchants.expired,
          personName: '钱永良',
          lastNegativeTestOn: '2022-05-28',
        },
      ])
      .onConflictDoNothing();
  });
}
