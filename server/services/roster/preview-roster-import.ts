import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ServiceContext } from '@/server/services/shared/context';
import { CommunityId, safeText } from '@/server/services/shared/zod';
import { requireCoordinator } from './access';
import { loadImportSnapshot } from './import-snapshot';
import { MAX_ROSTER_FILE_BYTES, readRosterFile, type RosterFileFormat } from './roster-file';
import {
  planRosterImport,
  type FileIssue,
  type ImportPlan,
  type ImportRow,
  type ImportSummary,
} from './rules';

/** base64 grows a file by 4/3; the verb checks the decoded size again. */
export const PreviewRosterImportInput = z.object({
  communityId: CommunityId,
  fileName: safeText({ min: 1, max: 200 }),
  fileBase64: z
    .string()
    .min(1)
    .max(Math.ceil((MAX_ROSTER_FILE_BYTES * 4) / 3) + 256),
});
export type PreviewRosterImportInput = z.infer<typeof PreviewRosterImportInput>;

export type RosterImportPreview = {
  ok: boolean;
  format: RosterFileFormat;
  fileName: string;
  /** Identifies the exact file: commit refuses a different one under the same preview. */
  fileSha256: string;
  fileIssues: FileIssue[];
  summary: ImportSummary;
  /** Every bad row (up to `BAD_ROWS_SHOWN`), in file order, with its reasons. */
  badRows: ImportRow[];
  /** The first rows of the file, so the coordinator can see the columns were understood. */
  sampleRows: ImportRow[];
  /** Rows whose phone belongs to someone registered under another name (they keep theirs). */
  nameDiffers: ImportRow[];
};

const BAD_ROWS_SHOWN = 2000;
const SAMPLE_ROWS = 20;

export function decodeBase64File(fileBase64: string): Uint8Array {
  const comma = fileBase64.startsWith('data:') ? fileBase64.indexOf(',') : -1;
  return new Uint8Array(Buffer.from(comma >= 0 ? fileBase64.slice(comma + 1) : fileBase64, 'base64'));
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function toPreview(
  plan: ImportPlan,
  format: RosterFileFormat,
  fileName: string,
  fileSha256: string,
): RosterImportPreview {
  return {
    ok: plan.ok,
    format,
    fileName,
    fileSha256,
    fileIssues: plan.fileIssues,
    summary: plan.summary,
    badRows: plan.rows.filter((r) => r.issues.length > 0).slice(0, BAD_ROWS_SHOWN),
    sampleRows: plan.rows.slice(0, SAMPLE_ROWS),
    nameDiffers: plan.rows.filter((r) => r.warnings.some((w) => w.code === 'NAME_DIFFERS')).slice(0, 200),
  };
}

/**
 * Step one of a roster import: reads the file and checks every row against itself and against the
 * roster, and says what would be created. Writes nothing.
 */
export async function previewRosterImport({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: PreviewRosterImportInput;
}): Promise<RosterImportPreview> {
  const authed = await requireCoordinator(ctx, input.communityId);
  const bytes = decodeBase64File(input.fileBase64);
  const { format, table } = await readRosterFile(bytes);
  const snapshot = await loadImportSnapshot(authed.db, input.communityId, table);
  const plan = planRosterImport(table, snapshot);
  return toPreview(plan, format, input.fileName, sha256(bytes));
}
